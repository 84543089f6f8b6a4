; Inno Setup script for the Windows installer (Inno Setup 6.3 or later). Not built or run here:
; see installers/README.md for the steps on a Windows machine. From the repository root,
; after PyInstaller has made dist\casebook\:
;
;   iscc /DAppVersion=0.1.0 installers\windows\casebook.iss
;
; (use the version in pyproject.toml). Writes dist\casebook-<version>-windows-x64-setup.exe.

#ifndef AppVersion
  #error Pass the version from pyproject.toml: iscc /DAppVersion=X.Y.Z installers\windows\casebook.iss
#endif

[Setup]
; A fixed id: upgrades replace the installed version instead of adding another.
AppId={{6F1C6D2E-3B7A-4C55-9E43-0C2F5A9B7D10}
AppName=Casebook
AppVersion={#AppVersion}
AppPublisher=Casebook
DefaultDirName={autopf}\Casebook
DefaultGroupName=Casebook
DisableProgramGroupPage=yes
; Installs for the current user without administrator rights unless asked otherwise.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
SourceDir=..\..
OutputDir=dist
OutputBaseFilename=casebook-{#AppVersion}-windows-x64-setup
SetupIconFile=build\pyinstaller\casebook\icons\casebook.ico
UninstallDisplayIcon={app}\casebook-gui.exe
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; Sign the installer and the uninstaller (see installers/README.md):
; SignTool=casebook

[Files]
Source: "dist\casebook\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\Casebook"; Filename: "{app}\casebook-gui.exe"
Name: "{autodesktop}\Casebook"; Filename: "{app}\casebook-gui.exe"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Run]
Filename: "{app}\casebook-gui.exe"; Description: "{cm:LaunchProgram,Casebook}"; Flags: nowait postinstall skipifsilent
