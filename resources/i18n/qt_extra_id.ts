<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<!-- Qt's own words that show in our windows (context menus of text fields, standard buttons),
     for which Qt ships no Indonesian translation. Edited by hand; compiled by
     `python -m agent_app.ui.i18n_build` into qt_extra_id.qm. -->
<TS version="2.1" language="id_ID">
<context>
    <name>QLineEdit</name>
    <message><source>&amp;Undo</source><translation>&amp;Urungkan</translation></message>
    <message><source>&amp;Redo</source><translation>U&amp;langi</translation></message>
    <message><source>Cu&amp;t</source><translation>&amp;Potong</translation></message>
    <message><source>&amp;Copy</source><translation>&amp;Salin</translation></message>
    <message><source>&amp;Paste</source><translation>&amp;Tempel</translation></message>
    <message><source>Delete</source><translation>Hapus</translation></message>
    <message><source>Select All</source><translation>Pilih semua</translation></message>
</context>
<context>
    <name>QWidgetTextControl</name>
    <message><source>&amp;Undo</source><translation>&amp;Urungkan</translation></message>
    <message><source>&amp;Redo</source><translation>U&amp;langi</translation></message>
    <message><source>Cu&amp;t</source><translation>&amp;Potong</translation></message>
    <message><source>&amp;Copy</source><translation>&amp;Salin</translation></message>
    <message><source>Copy &amp;Link Location</source><translation>Salin &amp;alamat tautan</translation></message>
    <message><source>&amp;Paste</source><translation>&amp;Tempel</translation></message>
    <message><source>Delete</source><translation>Hapus</translation></message>
    <message><source>Select All</source><translation>Pilih semua</translation></message>
</context>
<context>
    <name>QPlatformTheme</name>
    <message><source>OK</source><translation>OK</translation></message>
    <message><source>Save</source><translation>Simpan</translation></message>
    <message><source>Open</source><translation>Buka</translation></message>
    <message><source>Cancel</source><translation>Batal</translation></message>
    <message><source>Close</source><translation>Tutup</translation></message>
    <message><source>Apply</source><translation>Terapkan</translation></message>
    <message><source>Reset</source><translation>Atur ulang</translation></message>
    <message><source>Help</source><translation>Bantuan</translation></message>
    <message><source>&amp;Yes</source><translation>&amp;Ya</translation></message>
    <message><source>&amp;No</source><translation>&amp;Tidak</translation></message>
    <message><source>Yes to &amp;All</source><translation>Ya untuk &amp;semua</translation></message>
    <message><source>N&amp;o to All</source><translation>T&amp;idak untuk semua</translation></message>
    <message><source>Abort</source><translation>Hentikan</translation></message>
    <message><source>Retry</source><translation>Coba lagi</translation></message>
    <message><source>Ignore</source><translation>Abaikan</translation></message>
</context>
<context>
    <name>QFileDialog</name>
    <message><source>Look in:</source><translation>Lihat di:</translation></message>
    <message><source>File &amp;name:</source><translation>&amp;Nama berkas:</translation></message>
    <message><source>Files of type:</source><translation>Jenis berkas:</translation></message>
    <message><source>&amp;Save</source><translation>&amp;Simpan</translation></message>
    <message><source>&amp;Open</source><translation>&amp;Buka</translation></message>
    <message><source>Cancel</source><translation>Batal</translation></message>
</context>
</TS>
