# Runs first in each of the three executables. PyInstaller's bootloader puts the bundle's
# own library folder in LD_LIBRARY_PATH (its loader has read it by now); programs the app
# starts (xdg-open, a PDF viewer, the user's shell) must get the user's own value back, or
# they load the bundle's copies of OpenSSL, SQLite or zlib instead of their system's.
import os
import sys

if sys.platform.startswith("linux"):
    original = os.environ.pop("LD_LIBRARY_PATH_ORIG", None)
    if original is None:
        os.environ.pop("LD_LIBRARY_PATH", None)
    else:
        os.environ["LD_LIBRARY_PATH"] = original
