; Inno Setup 6 script: a per-user installer for the assessor workbench (no admin rights).
;
; On a Windows build machine (see packaging/README.md):
;   py -3.11 packaging\build.py                         -> dist\assessor-app\ (two .exe files)
;   "C:\Program Files (x86)\Inno Setup 6\ISCC.exe" /DAppVersion=0.1.0 packaging\windows\assessor-app.iss
;                                                       -> dist\installer\assessor-app-0.1.0-setup.exe
;
; Installs to %LOCALAPPDATA%\Programs\Assessor Workbench with Start menu entries and an
; uninstaller (Settings > Apps). An IT team can choose "install for all users" from the
; first page (needs admin), or deploy silently:
;   assessor-app-0.1.0-setup.exe /VERYSILENT /SUPPRESSMSGBOXES /NORESTART [/ALLUSERS]
; The uninstaller removes the program only: the data folder (%LOCALAPPDATA%\assessor-app,
; the encrypted store and its backups) and the keyring entries are never deleted.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "Assessor Workbench"
#define AppExe "assessor-app.exe"
#define Bundle "..\..\dist\assessor-app"

[Setup]
; Keep this AppId for every release: it is how upgrades find the installed copy.
AppId={{BF610EF2-0D33-4BBA-B06E-014863B80A99}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Assessor workbench
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
; Per-user by default; the first page offers "all users" to an administrator.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog commandline
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0.17763
OutputDir=..\..\dist\installer
OutputBaseFilename=assessor-app-{#AppVersion}-setup
SetupIconFile=..\..\resources\icons\assessor-app.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
CloseApplications=yes
RestartApplications=no
; Code signing (maintainer): configure a sign tool in the Inno Setup IDE or ISCC /S, then
; uncomment. Sign the two .exe files in dist\assessor-app before running ISCC as well.
; SignTool=signtool sign /fd sha256 /tr http://timestamp.digicert.com /td sha256 /a $f
; SignedUninstaller=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#Bundle}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; An upgrade replaces the bundle's library folder whole, so no stale module lingers.
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; Comment: "Portfolios, reviews and signed reports for ASYE assessors"
Name: "{autoprograms}\{#AppName} (demo, fictional data)"; Filename: "{app}\{#AppExe}"; Parameters: "--demo"; Comment: "Try the workbench on a made-up cohort"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
; Optional check an IT team can also run later: "{app}\assessor-app-cli.exe" --self-test
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Only what the program itself wrote beside its files; never the data folder.
Type: filesandordirs; Name: "{app}\_internal\__pycache__"
