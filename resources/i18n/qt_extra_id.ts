<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<!-- Qt's own words that show in our windows (context menus of text fields, standard buttons, the file, print and page setup dialogs),
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
    <message><source>%1
Directory not found.
Please verify the correct directory name was given.</source><translation>%1
Folder tidak ditemukan.
Periksa kembali nama foldernya.</translation></message>
    <message><source>%1
File not found.
Please verify the correct file name was given.</source><translation>%1
Berkas tidak ditemukan.
Periksa kembali nama berkasnya.</translation></message>
    <message><source>%1 already exists.
Do you want to replace it?</source><translation>%1 sudah ada.
Ganti berkas itu?</translation></message>
    <message><source>&amp;Choose</source><translation>&amp;Pilih</translation></message>
    <message><source>&amp;Delete</source><translation>&amp;Hapus</translation></message>
    <message><source>&amp;Look in:</source><translation>&amp;Lihat di:</translation></message>
    <message><source>&amp;New Folder</source><translation>Folder &amp;baru</translation></message>
    <message><source>&amp;Open</source><translation>&amp;Buka</translation></message>
    <message><source>&amp;Rename</source><translation>&amp;Ganti nama</translation></message>
    <message><source>&amp;Save</source><translation>&amp;Simpan</translation></message>
    <message><source>'%1' is write protected.
Do you want to delete it anyway?</source><translation>'%1' dilindungi dari perubahan.
Tetap hapus?</translation></message>
    <message><source>All Files (*)</source><translation>Semua berkas (*)</translation></message>
    <message><source>All files (*)</source><translation>Semua berkas (*)</translation></message>
    <message><source>Are you sure you want to delete '%1'?</source><translation>Yakin ingin menghapus '%1'?</translation></message>
    <message><source>Back</source><translation>Kembali</translation></message>
    <message><source>Change to detail view mode</source><translation>Tampilkan rincian</translation></message>
    <message><source>Change to list view mode</source><translation>Tampilkan daftar</translation></message>
    <message><source>Could not delete directory.</source><translation>Folder tidak dapat dihapus.</translation></message>
    <message><source>Create New Folder</source><translation>Buat folder baru</translation></message>
    <message><source>Create a New Folder</source><translation>Buat folder baru</translation></message>
    <message><source>Delete</source><translation>Hapus</translation></message>
    <message><source>Detail View</source><translation>Tampilan rincian</translation></message>
    <message><source>Directories</source><translation>Folder</translation></message>
    <message><source>Directory:</source><translation>Folder:</translation></message>
    <message><source>File &amp;name:</source><translation>&amp;Nama berkas:</translation></message>
    <message><source>Files</source><translation>Berkas</translation></message>
    <message><source>Files of &amp;type:</source><translation>&amp;Jenis berkas:</translation></message>
    <message><source>Find Directory</source><translation>Cari folder</translation></message>
    <message><source>Forward</source><translation>Maju</translation></message>
    <message><source>Go back</source><translation>Kembali</translation></message>
    <message><source>Go forward</source><translation>Maju</translation></message>
    <message><source>Go to the parent directory</source><translation>Ke folder di atasnya</translation></message>
    <message><source>List View</source><translation>Tampilan daftar</translation></message>
    <message><source>List of places and bookmarks</source><translation>Daftar tempat dan penanda</translation></message>
    <message><source>New Folder</source><translation>Folder baru</translation></message>
    <message><source>Open</source><translation>Buka</translation></message>
    <message><source>Parent Directory</source><translation>Folder di atasnya</translation></message>
    <message><source>Recent Places</source><translation>Tempat terakhir</translation></message>
    <message><source>Remove</source><translation>Hapus</translation></message>
    <message><source>Save As</source><translation>Simpan sebagai</translation></message>
    <message><source>Show </source><translation>Tampilkan </translation></message>
    <message><source>Show &amp;hidden files</source><translation>Tampilkan berkas &amp;tersembunyi</translation></message>
    <message><source>Sidebar</source><translation>Panel samping</translation></message>
    <message><source>Cancel</source><translation>Batal</translation></message>
</context>
<context>
    <name>QFileSystemModel</name>
    <message><source>Computer</source><translation>Komputer</translation></message>
    <message><source>Date Modified</source><translation>Tanggal diubah</translation></message>
    <message><source>Kind</source><translation>Jenis</translation></message>
    <message><source>My Computer</source><translation>Komputer saya</translation></message>
    <message><source>Name</source><translation>Nama</translation></message>
    <message><source>Size</source><translation>Ukuran</translation></message>
    <message><source>Type</source><translation>Jenis</translation></message>
</context>
<context>
    <name>QAbstractFileIconProvider</name>
    <message><source>Alias</source><translation>Alias</translation></message>
    <message><source>Drive</source><translation>Drive</translation></message>
    <message><source>File</source><translation>Berkas</translation></message>
    <message><source>File Folder</source><translation>Folder berkas</translation></message>
    <message><source>Folder</source><translation>Folder</translation></message>
    <message><source>Shortcut</source><translation>Pintasan</translation></message>
    <message><source>Unknown</source><translation>Tidak diketahui</translation></message>
</context>
<context>
    <name>QPrintDialog</name>
    <message><source>%1 already exists.
Do you want to overwrite it?</source><translation>%1 sudah ada.
Timpa berkas itu?</translation></message>
    <message><source>%1 does not follow the correct syntax. Please use ',' to separate ranges and pages, '-' to define ranges and make sure ranges do not intersect with each other.</source><translation>%1 tidak sesuai aturan penulisan. Pisahkan rentang dan halaman dengan ',', tulis rentang dengan '-', dan pastikan rentang tidak saling tumpang tindih.</translation></message>
    <message><source>%1 is a directory.
Please choose a different file name.</source><translation>%1 adalah folder.
Pilih nama berkas lain.</translation></message>
    <message><source>&amp;Options &lt;&lt;</source><translation>&amp;Pilihan &lt;&lt;</translation></message>
    <message><source>&amp;Options &gt;&gt;</source><translation>&amp;Pilihan &gt;&gt;</translation></message>
    <message><source>&amp;Print</source><translation>&amp;Cetak</translation></message>
    <message><source>All Pages</source><translation>Semua halaman</translation></message>
    <message><source>Bottom to Top, Left to Right</source><translation>Bawah ke atas, kiri ke kanan</translation></message>
    <message><source>Bottom to Top, Right to Left</source><translation>Bawah ke atas, kanan ke kiri</translation></message>
    <message><source>Duplex Settings Conflicts</source><translation>Pengaturan bolak-balik bertentangan</translation></message>
    <message><source>Even Pages</source><translation>Halaman genap</translation></message>
    <message><source>File %1 is not writable.
Please choose a different file name.</source><translation>Berkas %1 tidak dapat ditulisi.
Pilih nama berkas lain.</translation></message>
    <message><source>Invalid Pages Definition</source><translation>Halaman tidak sah</translation></message>
    <message><source>Left to Right, Bottom to Top</source><translation>Kiri ke kanan, bawah ke atas</translation></message>
    <message><source>Left to Right, Top to Bottom</source><translation>Kiri ke kanan, atas ke bawah</translation></message>
    <message><source>Local file</source><translation>Berkas di laptop ini</translation></message>
    <message><source>Odd Pages</source><translation>Halaman ganjil</translation></message>
    <message><source>Options 'Pages Per Sheet' and 'Page Set' cannot be used together.
Please turn one of those options off.</source><translation>Pilihan 'Halaman per lembar' dan 'Kumpulan halaman' tidak dapat dipakai bersamaan.
Matikan salah satunya.</translation></message>
    <message><source>Print</source><translation>Cetak</translation></message>
    <message><source>Print To File ...</source><translation>Cetak ke berkas ...</translation></message>
    <message><source>Print to File (PDF)</source><translation>Cetak ke berkas (PDF)</translation></message>
    <message><source>Right to Left, Bottom to Top</source><translation>Kanan ke kiri, bawah ke atas</translation></message>
    <message><source>Right to Left, Top to Bottom</source><translation>Kanan ke kiri, atas ke bawah</translation></message>
    <message><source>The 'From' value cannot be greater than the 'To' value.</source><translation>Nilai 'Dari' tidak boleh lebih besar dari nilai 'Sampai'.</translation></message>
    <message><source>There are conflicts in duplex settings. Do you want to fix them?</source><translation>Pengaturan cetak bolak-balik bertentangan. Perbaiki sekarang?</translation></message>
    <message><source>Top to Bottom, Left to Right</source><translation>Atas ke bawah, kiri ke kanan</translation></message>
    <message><source>Top to Bottom, Right to Left</source><translation>Atas ke bawah, kanan ke kiri</translation></message>
    <message><source>Write PDF file</source><translation>Tulis berkas PDF</translation></message>
</context>
<context>
    <name>QPrintWidget</name>
    <message><source>&amp;Name:</source><translation>&amp;Nama:</translation></message>
    <message><source>Location:</source><translation>Lokasi:</translation></message>
    <message><source>Output &amp;file:</source><translation>&amp;Berkas hasil:</translation></message>
    <message><source>P&amp;roperties</source><translation>P&amp;roperti</translation></message>
    <message><source>Preview</source><translation>Pratinjau</translation></message>
    <message><source>Printer</source><translation>Pencetak</translation></message>
    <message><source>Type:</source><translation>Jenis:</translation></message>
</context>
<context>
    <name>QPrintSettingsOutput</name>
    <message><source>Collate</source><translation>Susun per salinan</translation></message>
    <message><source>Color</source><translation>Berwarna</translation></message>
    <message><source>Color Mode</source><translation>Mode warna</translation></message>
    <message><source>Copies</source><translation>Salinan</translation></message>
    <message><source>Copies:</source><translation>Salinan:</translation></message>
    <message><source>Current Page</source><translation>Halaman ini</translation></message>
    <message><source>Double Sided Printing</source><translation>Cetak bolak-balik</translation></message>
    <message><source>Grayscale</source><translation>Hitam putih</translation></message>
    <message><source>Long side binding</source><translation>Jilid sisi panjang</translation></message>
    <message><source>Off</source><translation>Mati</translation></message>
    <message><source>Options</source><translation>Pilihan</translation></message>
    <message><source>Output Settings</source><translation>Pengaturan hasil</translation></message>
    <message><source>Page &amp;Set:</source><translation>&amp;Kumpulan halaman:</translation></message>
    <message><source>Pages</source><translation>Halaman</translation></message>
    <message><source>Pages from</source><translation>Halaman dari</translation></message>
    <message><source>Print all</source><translation>Cetak semua</translation></message>
    <message><source>Print range</source><translation>Rentang cetak</translation></message>
    <message><source>Reverse</source><translation>Urutan terbalik</translation></message>
    <message><source>Selection</source><translation>Yang dipilih</translation></message>
    <message><source>Short side binding</source><translation>Jilid sisi pendek</translation></message>
    <message><source>Specify pages or ranges separated by commas. Ranges are specified by two numbers separated by a hyphen. E.g: 3,5-7,9 prints pages 3, 5, 6, 7 and 9.</source><translation>Tulis halaman atau rentang, dipisahkan koma. Rentang ditulis dua angka dengan tanda hubung. Contoh: 3,5-7,9 mencetak halaman 3, 5, 6, 7 dan 9.</translation></message>
    <message><source>to</source><translation>sampai</translation></message>
</context>
<context>
    <name>QPrintPropertiesDialog</name>
    <message><source>Advanced Option Conflicts</source><translation>Pilihan lanjutan bertentangan</translation></message>
    <message><source>Job Options</source><translation>Pilihan pekerjaan</translation></message>
    <message><source>Page Setup Conflicts</source><translation>Pengaturan halaman bertentangan</translation></message>
    <message><source>Printer Properties</source><translation>Properti pencetak</translation></message>
    <message><source>There are conflicts in page setup options. Do you want to fix them?</source><translation>Pengaturan halaman bertentangan. Perbaiki sekarang?</translation></message>
    <message><source>There are conflicts in some advanced options. Do you want to fix them?</source><translation>Beberapa pilihan lanjutan bertentangan. Perbaiki sekarang?</translation></message>
</context>
<context>
    <name>QPrintPropertiesWidget</name>
    <message><source>Advanced</source><translation>Lanjutan</translation></message>
    <message><source>Page</source><translation>Halaman</translation></message>
    <message><source>There are conflicts in some options. Please fix them.</source><translation>Beberapa pilihan bertentangan. Perbaiki dulu.</translation></message>
</context>
<context>
    <name>QPageSetupWidget</name>
    <message><source>Cicero (CC)</source><translation>Cicero (CC)</translation></message>
    <message><source>Custom</source><translation>Ukuran lain</translation></message>
    <message><source>Didot (DD)</source><translation>Didot (DD)</translation></message>
    <message><source>Height:</source><translation>Tinggi:</translation></message>
    <message><source>Inches (in)</source><translation>Inci (in)</translation></message>
    <message><source>Landscape</source><translation>Melintang</translation></message>
    <message><source>Margins</source><translation>Batas tepi</translation></message>
    <message><source>Millimeters (mm)</source><translation>Milimeter (mm)</translation></message>
    <message><source>Orientation</source><translation>Orientasi</translation></message>
    <message><source>Page &amp;order:</source><translation>&amp;Urutan halaman:</translation></message>
    <message><source>Page Layout</source><translation>Tata letak halaman</translation></message>
    <message><source>Page size:</source><translation>Ukuran halaman:</translation></message>
    <message><source>Pages &amp;per sheet:</source><translation>Halaman &amp;per lembar:</translation></message>
    <message><source>Paper</source><translation>Kertas</translation></message>
    <message><source>Paper source:</source><translation>Sumber kertas:</translation></message>
    <message><source>Points (pt)</source><translation>Poin (pt)</translation></message>
    <message><source>Portrait</source><translation>Tegak</translation></message>
    <message><source>Reverse landscape</source><translation>Melintang terbalik</translation></message>
    <message><source>Reverse portrait</source><translation>Tegak terbalik</translation></message>
    <message><source>Width:</source><translation>Lebar:</translation></message>
    <message><source>bottom margin</source><translation>batas bawah</translation></message>
    <message><source>left margin</source><translation>batas kiri</translation></message>
    <message><source>right margin</source><translation>batas kanan</translation></message>
    <message><source>top margin</source><translation>batas atas</translation></message>
</context>
<context>
    <name>QCupsJobWidget</name>
    <message><source>&amp;Billing information:</source><translation>Informasi &amp;tagihan:</translation></message>
    <message><source>&amp;End:</source><translation>&amp;Akhir:</translation></message>
    <message><source>&amp;Start:</source><translation>&amp;Awal:</translation></message>
    <message><source>Banner Pages</source><translation>Halaman sampul</translation></message>
    <message><source>Classified</source><translation>Rahasia terbatas</translation></message>
    <message><source>Confidential</source><translation>Rahasia</translation></message>
    <message><source>Day (06:00 to 17:59)</source><translation>Siang (06.00 sampai 17.59)</translation></message>
    <message><source>Hold Indefinitely</source><translation>Tahan dulu</translation></message>
    <message><source>Job</source><translation>Pekerjaan</translation></message>
    <message><source>Job &amp;priority:</source><translation>&amp;Prioritas pekerjaan:</translation></message>
    <message><source>Job Control</source><translation>Kendali pekerjaan</translation></message>
    <message><source>Night (18:00 to 05:59)</source><translation>Malam (18.00 sampai 05.59)</translation></message>
    <message><source>None</source><translation>Tidak ada</translation></message>
    <message><source>Print Immediately</source><translation>Cetak sekarang</translation></message>
    <message><source>Scheduled &amp;printing:</source><translation>&amp;Jadwal cetak:</translation></message>
    <message><source>Second Shift (16:00 to 23:59)</source><translation>Giliran kedua (16.00 sampai 23.59)</translation></message>
    <message><source>Secret</source><translation>Sangat rahasia</translation></message>
    <message><source>Specific Time</source><translation>Waktu tertentu</translation></message>
    <message><source>Standard</source><translation>Standar</translation></message>
    <message><source>Third Shift (00:00 to 07:59)</source><translation>Giliran ketiga (00.00 sampai 07.59)</translation></message>
    <message><source>Top Secret</source><translation>Sangat rahasia sekali</translation></message>
    <message><source>Unclassified</source><translation>Tidak rahasia</translation></message>
    <message><source>Weekend (Saturday to Sunday)</source><translation>Akhir pekan (Sabtu sampai Minggu)</translation></message>
</context>
<context>
    <name>QPageSize</name>
    <message><source>Letter / ANSI A</source><translation>Letter / ANSI A</translation></message>
    <message><source>Custom</source><translation>Ukuran lain</translation></message>
    <message><source>Postcard</source><translation>Kartu pos</translation></message>
    <message><source>Double Postcard</source><translation>Kartu pos ganda</translation></message>
    <message><source>Note</source><translation>Catatan</translation></message>
    <message><source>Statement</source><translation>Statement</translation></message>
    <message><source>Envelope B4</source><translation>Amplop B4</translation></message>
    <message><source>Envelope B5</source><translation>Amplop B5</translation></message>
    <message><source>Envelope B6</source><translation>Amplop B6</translation></message>
    <message><source>Envelope C0</source><translation>Amplop C0</translation></message>
    <message><source>Envelope C1</source><translation>Amplop C1</translation></message>
    <message><source>Envelope C2</source><translation>Amplop C2</translation></message>
    <message><source>Envelope C3</source><translation>Amplop C3</translation></message>
    <message><source>Envelope C4</source><translation>Amplop C4</translation></message>
    <message><source>Envelope C5</source><translation>Amplop C5</translation></message>
    <message><source>Envelope C6</source><translation>Amplop C6</translation></message>
    <message><source>Envelope C65</source><translation>Amplop C65</translation></message>
    <message><source>Envelope C7</source><translation>Amplop C7</translation></message>
    <message><source>Envelope DL</source><translation>Amplop DL</translation></message>
    <message><source>Envelope Monarch</source><translation>Amplop Monarch</translation></message>
    <message><source>Envelope Personal</source><translation>Amplop Personal</translation></message>
    <message><source>Envelope Invite</source><translation>Amplop Invite</translation></message>
    <message><source>Envelope Italian</source><translation>Amplop Italian</translation></message>
    <message><source>Envelope US 9</source><translation>Amplop US 9</translation></message>
    <message><source>Envelope US 10</source><translation>Amplop US 10</translation></message>
    <message><source>Envelope US 11</source><translation>Amplop US 11</translation></message>
    <message><source>Envelope US 12</source><translation>Amplop US 12</translation></message>
    <message><source>Envelope US 14</source><translation>Amplop US 14</translation></message>
    <message><source>Envelope Chou 3</source><translation>Amplop Chou 3</translation></message>
    <message><source>Envelope Chou 4</source><translation>Amplop Chou 4</translation></message>
    <message><source>Envelope Kaku 2</source><translation>Amplop Kaku 2</translation></message>
    <message><source>Envelope Kaku 3</source><translation>Amplop Kaku 3</translation></message>
    <message><source>Envelope PRC 1</source><translation>Amplop PRC 1</translation></message>
    <message><source>Envelope PRC 2</source><translation>Amplop PRC 2</translation></message>
    <message><source>Envelope PRC 3</source><translation>Amplop PRC 3</translation></message>
    <message><source>Envelope PRC 4</source><translation>Amplop PRC 4</translation></message>
    <message><source>Envelope PRC 5</source><translation>Amplop PRC 5</translation></message>
    <message><source>Envelope PRC 6</source><translation>Amplop PRC 6</translation></message>
    <message><source>Envelope PRC 7</source><translation>Amplop PRC 7</translation></message>
    <message><source>Envelope PRC 8</source><translation>Amplop PRC 8</translation></message>
    <message><source>Envelope PRC 9</source><translation>Amplop PRC 9</translation></message>
    <message><source>Envelope PRC 10</source><translation>Amplop PRC 10</translation></message>
</context>
<context>
    <name>QLocale</name>
    <message numerus="yes"><source>%n byte(s)</source><translation><numerusform>%n bita</numerusform></translation></message>
</context>
</TS>
