; Perisai Agent: the per-user Windows installer (Inno Setup 6).
;
; It packs the PyInstaller folder (dist\perisai-agent, from build.spec) and installs it for the
; person running it, without administrator rights: into %LOCALAPPDATA%\Programs\Perisai Agent,
; with a Start menu entry. Uninstalling removes the program and keeps the person's data (the
; encrypted database, key slots, settings and logs in %LOCALAPPDATA%\perisai-agent, where
; agent_app/paths.py puts them through platformdirs) unless they tick it off: the uninstaller
; asks, with a warning, and "keep" is the default. A silent uninstall keeps the data unless
; given /DELETEDATA.
;
; Build on Windows (README.md, "Windows installer"; .github/workflows/windows.yml does this):
;   python -m PyInstaller build.spec --noconfirm
;   iscc /DAppVersion=0.1.0 installer\perisai-agent.iss     -> dist\installer\perisai-agent-0.1.0-setup.exe
; The version must be passed (the workflow reads agent_app.__version__): there is no default.

#ifndef AppVersion
  #error Pass the app version: iscc /DAppVersion=<agent_app.__version__> installer\perisai-agent.iss
#endif
#ifndef BuildDir
  #define BuildDir "..\dist\perisai-agent"
#endif
#define AppName "Perisai Agent"
#define AppExe "perisai-agent.exe"
; The data folder: platformdirs.user_data_dir("perisai-agent", appauthor=False) on Windows,
; which also holds the config and the Logs folder.
#define DataDir "{localappdata}\perisai-agent"

[Setup]
AppId={{F21A03E0-9207-4C9C-A310-6A557B624331}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=BPJS Ketenagakerjaan
VersionInfoVersion={#AppVersion}
VersionInfoProductName={#AppName}
; Per user: no administrator rights, nothing written outside the person's profile.
PrivilegesRequired=lowest
DefaultDirName={autopf}\{#AppName}
DisableProgramGroupPage=yes
UninstallDisplayName={#AppName}
UninstallDisplayIcon={app}\{#AppExe}
SetupIconFile=..\resources\icons\perisai-agent.ico
OutputDir=..\dist\installer
OutputBaseFilename=perisai-agent-{#AppVersion}-setup
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
CloseApplications=yes
ShowLanguageDialog=auto
LanguageDetectionMethod=uilanguage

[Languages]
; Bahasa Indonesia first. Inno Setup ships no Indonesian wizard text (it is an unofficial
; translation): put Indonesian.isl beside this script and the whole wizard speaks it;
; without it the wizard's own text is English and our messages below are Indonesian.
#if FileExists(AddBackslash(SourcePath) + "Indonesian.isl")
Name: "id"; MessagesFile: "compiler:Default.isl,Indonesian.isl"
#else
Name: "id"; MessagesFile: "compiler:Default.isl"
#endif
Name: "en"; MessagesFile: "compiler:Default.isl"

[CustomMessages]
id.DeleteDataQuestion=Hapus juga data saya?%n%nData Anda (basis data terenkripsi berisi kunjungan dan pendaftaran yang mungkin belum tersinkron, akun, pengaturan, dan log) ada di:%n%1%n%nPERINGATAN: data yang dihapus tidak dapat dikembalikan. Pendaftaran yang belum dikirim ke server akan hilang.%n%nPilih "Ya" hanya jika laptop ini tidak akan dipakai lagi untuk Perisai Agent dan semua data sudah tersinkron. Pilih "Tidak" (bawaan) untuk menyimpan data.
en.DeleteDataQuestion=Also delete my data?%n%nYour data (the encrypted database with visits and enrollments that may not be synced yet, the accounts, settings and logs) is in:%n%1%n%nWARNING: deleted data cannot be recovered. Enrollments not yet sent to the server will be lost.%n%nChoose "Yes" only if this laptop will not be used for Perisai Agent again and everything is synced. Choose "No" (the default) to keep the data.
id.DataKept=Data Anda disimpan di %1.
en.DataKept=Your data is kept in %1.
id.DesktopIcon=Buat ikon di desktop
en.DesktopIcon=Create a desktop icon

[Tasks]
Name: "desktopicon"; Description: "{cm:DesktopIcon}"; Flags: unchecked

[Files]
Source: "{#BuildDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
; The Start menu entry (the person's own Start menu: {autoprograms} with per-user privileges).
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[Code]
var
  DeleteData: Boolean;

function DataFolder: String;
begin
  Result := ExpandConstant('{#DataDir}');
end;

function DeleteDataParam: Boolean;
var
  I: Integer;
begin
  Result := False;
  for I := 1 to ParamCount do
    if CompareText(ParamStr(I), '/DELETEDATA') = 0 then
      Result := True;
end;

{ Asked once the person has confirmed the uninstall, before any file goes. The default
  button is "No": the data is kept unless they choose otherwise. }
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if CurUninstallStep = usUninstall then
  begin
    DeleteData := False;
    if DirExists(DataFolder) then
    begin
      if UninstallSilent then
        DeleteData := DeleteDataParam
      else
        DeleteData := MsgBox(FmtMessage(CustomMessage('DeleteDataQuestion'), [DataFolder]),
          mbConfirmation, MB_YESNO or MB_DEFBUTTON2) = IDYES;
    end;
  end;
  if CurUninstallStep = usPostUninstall then
  begin
    if DeleteData then
      DelTree(DataFolder, True, True, True)
    else if DirExists(DataFolder) and not UninstallSilent then
      MsgBox(FmtMessage(CustomMessage('DataKept'), [DataFolder]), mbInformation, MB_OK);
  end;
end;
