"""What the tests share, in one package (``conftest`` modules hold fixtures only, and import from here).

- ``operations``: the operation table the tests use (paths, list keys, bounds), read from the generated one;
- ``api``: records, a fake clock, the sync/async ``Harness``, and ``ScriptedFake`` (FakeCortex in-process,
  with canned answers served first);
- ``crawl``: whole crawls through either client, and the models the records parse into;
- ``cli``: running ``cortex-logs`` in-process or as a subprocess, and reading what a FakeCortex holds.
"""
