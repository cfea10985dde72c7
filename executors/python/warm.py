# Kiln's warm start for Python. The agent starts `python3 -I -S warm.py main.py` inside the slot's sandbox
# before a run arrives, so the interpreter's start-up is paid ahead of time. It waits here for one go byte
# that the agent writes on stdin ahead of the program's input, then runs main.py as `python3 -I -S main.py`
# would: as __main__, with the same sys.argv, sys.path, exit status and tracebacks. Nothing of the user's
# runs before the go byte; the process serves one run and is cleaned up with the slot. The only trace left
# is this module's frame under the program's: one level less of recursion before RecursionError.
import os as _os
import sys as _sys
from importlib.machinery import SourceFileLoader as _Loader

if _os.read(0, 1) != b'\x01':
    _os._exit(125)
_path = _os.path.abspath(_sys.argv[1])
_sys.argv = _sys.argv[1:]
_main = type(_sys)('__main__')
_main.__file__ = _path
_main.__cached__ = None
_main.__loader__ = _Loader('__main__', _path)
_main.__annotations__ = {}
_main.__builtins__ = __builtins__
_sys.modules['__main__'] = _main
try:
    with open(_path, 'rb') as _source:
        _code = compile(_source.read(), _path, 'exec', dont_inherit=True)
    del _source
    exec(_code, _main.__dict__)
except SystemExit:
    raise
except BaseException as _error:
    # Report as the interpreter does: without this module's frame, and Ctrl-C as death by SIGINT.
    _traceback = _error.__traceback__
    if _traceback is not None and _traceback.tb_frame.f_globals is globals():
        _traceback = _traceback.tb_next
    _sys.excepthook(type(_error), _error.with_traceback(_traceback), _traceback)
    if isinstance(_error, KeyboardInterrupt):
        import signal as _signal

        _sys.stdout.flush()
        _signal.signal(_signal.SIGINT, _signal.SIG_DFL)
        _os.kill(_os.getpid(), _signal.SIGINT)
    _sys.exit(1)
