# Replaces pyinstaller-hooks-contrib's hook, which takes every submodule: Casebook only
# parses and matches numbers, so place names, carriers and time zones (24 MB) stay out.
from PyInstaller.utils.hooks import collect_submodules

UNUSED = (
    "phonenumbers.geocoder",
    "phonenumbers.geodata",
    "phonenumbers.carrier",
    "phonenumbers.carrierdata",
    "phonenumbers.timezone",
    "phonenumbers.tzdata",
)
hiddenimports = collect_submodules("phonenumbers", filter=lambda name: not name.startswith(UNUSED))
