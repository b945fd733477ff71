<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="id">
<context>
    <name>AboutDialog</name>
    <message>
        <source>About {app}</source>
        <translation>Tentang {app}</translation>
    </message>
    <message>
        <source>Version {version}</source>
        <translation>Versi {version}</translation>
    </message>
    <message>
        <source>Syncs with: {url}</source>
        <translation>Sinkron dengan: {url}</translation>
    </message>
    <message>
        <source>No server set: everything stays on this laptop.</source>
        <translation>Belum ada server: semua data tetap di laptop ini.</translation>
    </message>
    <message>
        <source>Software it bundles, and its licences</source>
        <translation>Perangkat lunak yang disertakan, dan lisensinya</translation>
    </message>
    <message>
        <source>Component</source>
        <translation>Komponen</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>Versi</translation>
    </message>
    <message>
        <source>Licence</source>
        <translation>Lisensi</translation>
    </message>
    <message>
        <source>not declared</source>
        <translation>tidak dinyatakan</translation>
    </message>
    <message>
        <source>The list of bundled software is not available in this build.</source>
        <translation>Daftar perangkat lunak yang disertakan tidak tersedia di build ini.</translation>
    </message>
</context>
<context>
    <name>Autosave</name>
    <message>
        <source>An enrollment was left unfinished ({name}, saved {when}). Resume it?</source>
        <translation>Ada pendaftaran yang belum selesai ({name}, disimpan {when}). Lanjutkan?</translation>
    </message>
    <message>
        <source>no name yet</source>
        <translation>belum ada nama</translation>
    </message>
    <message>
        <source>Discard the unfinished enrollment? What was typed in it is lost.</source>
        <translation>Buang pendaftaran yang belum selesai? Isian di dalamnya akan hilang.</translation>
    </message>
    <message>
        <source>Discard</source>
        <translation>Buang</translation>
    </message>
    <message>
        <source>Keep it</source>
        <translation>Simpan saja</translation>
    </message>
</context>
<context>
    <name>BoothMode</name>
    <message>
        <source>Start the next worker? What was typed for this one is lost.</source>
        <translation>Mulai pekerja berikutnya? Isian untuk pekerja ini akan hilang.</translation>
    </message>
    <message>
        <source>Next worker</source>
        <translation>Pekerja berikutnya</translation>
    </message>
    <message>
        <source>Keep typing</source>
        <translation>Lanjut mengisi</translation>
    </message>
</context>
<context>
    <name>BusinessDetailPage</name>
    <message>
        <source>Back to the list</source>
        <translation>Kembali ke daftar</translation>
    </message>
    <message>
        <source>Esc</source>
        <translation>Esc</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>Ubah</translation>
    </message>
    <message>
        <source>Record a visit</source>
        <translation>Catat kunjungan</translation>
    </message>
    <message>
        <source>Enroll a worker</source>
        <translation>Daftarkan pekerja</translation>
    </message>
    <message>
        <source>Open the enrollment form for a worker of this business</source>
        <translation>Buka formulir pendaftaran untuk pekerja usaha ini</translation>
    </message>
    <message>
        <source>Owner</source>
        <translation>Pemilik usaha</translation>
    </message>
    <message>
        <source>Mobile number</source>
        <translation>Nomor HP</translation>
    </message>
    <message>
        <source>Sector</source>
        <translation>Sektor</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Skala usaha</translation>
    </message>
    <message>
        <source>Number of workers</source>
        <translation>Jumlah pekerja</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Alamat</translation>
    </message>
    <message>
        <source>Region</source>
        <translation>Wilayah</translation>
    </message>
    <message>
        <source>NIB</source>
        <translation>NIB</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Sync state</source>
        <translation>Status sinkronisasi</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Tanggal</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>Cara kunjungan</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>Hasil</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Alasan</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>Catatan</translation>
    </message>
    <message>
        <source>Next follow-up</source>
        <translation>Tindak lanjut berikutnya</translation>
    </message>
    <message>
        <source>Agent</source>
        <translation>Agen</translation>
    </message>
    <message>
        <source>Visit history</source>
        <translation>Riwayat kunjungan</translation>
    </message>
    <message>
        <source>{state}: see the Sync page for what to do</source>
        <translation>{state}: lihat halaman Sinkronisasi untuk langkah selanjutnya</translation>
    </message>
    <message>
        <source>Visit history ({n})</source>
        <translation>Riwayat kunjungan ({n})</translation>
    </message>
</context>
<context>
    <name>BusinessDialog</name>
    <message>
        <source>Edit business</source>
        <translation>Ubah data usaha</translation>
    </message>
    <message>
        <source>New business</source>
        <translation>Usaha baru</translation>
    </message>
    <message>
        <source>08…</source>
        <translation>08…</translation>
    </message>
    <message>
        <source>(choose)</source>
        <translation>(pilih)</translation>
    </message>
    <message>
        <source>13 digits, optional</source>
        <translation>13 digit, boleh kosong</translation>
    </message>
    <message>
        <source>Business name</source>
        <extracomment>each field: its label, its widget, and its error shown under it (issue 11, item 6)</extracomment>
        <translation>Nama usaha</translation>
    </message>
    <message>
        <source>Owner</source>
        <translation>Pemilik usaha</translation>
    </message>
    <message>
        <source>Mobile number</source>
        <translation>Nomor HP</translation>
    </message>
    <message>
        <source>Sector</source>
        <translation>Sektor</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Skala usaha</translation>
    </message>
    <message>
        <source>Number of workers</source>
        <translation>Jumlah pekerja</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Alamat</translation>
    </message>
    <message>
        <source>Region</source>
        <translation>Wilayah</translation>
    </message>
    <message>
        <source>NIB</source>
        <translation>NIB</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Simpan</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Batal</translation>
    </message>
    <message>
        <source>Type the number of workers in digits.</source>
        <translation>Ketik jumlah pekerja dengan angka.</translation>
    </message>
</context>
<context>
    <name>BusinessListPage</name>
    <message>
        <source>Search name, owner, phone or NIB</source>
        <translation>Cari nama usaha, pemilik, nomor HP atau NIB</translation>
    </message>
    <message>
        <source>Ctrl+F</source>
        <translation>Ctrl+F</translation>
    </message>
    <message>
        <source>All statuses</source>
        <translation>Semua status</translation>
    </message>
    <message>
        <source>All sectors</source>
        <translation>Semua sektor</translation>
    </message>
    <message>
        <source>Follow-up due</source>
        <translation>Tindak lanjut jatuh tempo</translation>
    </message>
    <message>
        <source>Only businesses whose next follow-up is today or earlier</source>
        <translation>Hanya usaha yang tindak lanjutnya jatuh tempo hari ini atau sebelumnya</translation>
    </message>
    <message>
        <source>Current event only</source>
        <translation>Hanya acara ini</translation>
    </message>
    <message>
        <source>New business</source>
        <translation>Usaha baru</translation>
    </message>
    <message>
        <source>Businesses (UMKM)</source>
        <extracomment>Keystrokes within this many ms make one query; slower typing is coalesced by the model while a query runs (see BusinessTableModel.set_filter). At 0 a keystroke asks at once, before the search box repaints: the query runs on the database thread meanwhile.</extracomment>
        <translation>Usaha (UMKM)</translation>
    </message>
    <message>
        <source>{n} businesses</source>
        <translation>{n} usaha</translation>
    </message>
</context>
<context>
    <name>BusinessTableModel</name>
    <message>
        <source>Business name</source>
        <translation>Nama usaha</translation>
    </message>
    <message>
        <source>Owner</source>
        <translation>Pemilik usaha</translation>
    </message>
    <message>
        <source>Sector</source>
        <translation>Sektor</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Last visit</source>
        <translation>Kunjungan terakhir</translation>
    </message>
    <message>
        <source>Follow-up</source>
        <translation>Tindak lanjut</translation>
    </message>
    <message>
        <source>Sync state</source>
        <translation>Status sinkronisasi</translation>
    </message>
</context>
<context>
    <name>BusinessesPage</name>
    <message>
        <source>Resume</source>
        <translation>Lanjutkan</translation>
    </message>
    <message>
        <source>A new business form</source>
        <translation>Formulir usaha baru</translation>
    </message>
    <message>
        <source>A visit record</source>
        <translation>Catatan kunjungan</translation>
    </message>
    <message>
        <source>A change to a business</source>
        <translation>Perubahan data usaha</translation>
    </message>
    <message>
        <source>{what} was left unfinished (saved {when}). Resume it?</source>
        <translation>{what} belum selesai (disimpan {when}). Lanjutkan?</translation>
    </message>
    <message>
        <source>({n} more after it)</source>
        <translation>(dan {n} lagi setelahnya)</translation>
    </message>
</context>
<context>
    <name>ConflictDialog</name>
    <message>
        <source>Conflict: {record}</source>
        <extracomment>Fields the conflict dialog does not compare (bookkeeping, not the person&apos;s data).</extracomment>
        <translation>Konflik: {record}</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>Isian</translation>
    </message>
    <message>
        <source>On this laptop</source>
        <translation>Di laptop ini</translation>
    </message>
    <message>
        <source>On the server</source>
        <translation>Di server</translation>
    </message>
    <message>
        <source>Keep my data</source>
        <translation>Pakai data saya</translation>
    </message>
    <message>
        <source>Take the server&apos;s data</source>
        <translation>Pakai data server</translation>
    </message>
    <message>
        <source>Decide later</source>
        <translation>Putuskan nanti</translation>
    </message>
    <message>
        <source>Fields that differ are highlighted.</source>
        <translation>Isian yang berbeda ditandai.</translation>
    </message>
    <message>
        <source>Business name</source>
        <translation>Nama usaha</translation>
    </message>
    <message>
        <source>Owner</source>
        <translation>Pemilik usaha</translation>
    </message>
    <message>
        <source>Mobile number</source>
        <translation>Nomor HP</translation>
    </message>
    <message>
        <source>Sector</source>
        <translation>Sektor</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Skala usaha</translation>
    </message>
    <message>
        <source>Number of workers</source>
        <translation>Jumlah pekerja</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Alamat</translation>
    </message>
    <message>
        <source>Region</source>
        <translation>Wilayah</translation>
    </message>
    <message>
        <source>NIB</source>
        <translation>NIB</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Full name</source>
        <translation>Nama lengkap</translation>
    </message>
    <message>
        <source>Birth place</source>
        <translation>Tempat lahir</translation>
    </message>
    <message>
        <source>Gender</source>
        <translation>Jenis kelamin</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>Email</translation>
    </message>
    <message>
        <source>Period (months)</source>
        <translation>Periode (bulan)</translation>
    </message>
    <message>
        <source>Paid by the state</source>
        <translation>Dibayar pemerintah</translation>
    </message>
    <message>
        <source>Contribution (monthly)</source>
        <translation>Iuran (per bulan)</translation>
    </message>
    <message>
        <source>Consent</source>
        <translation>Persetujuan</translation>
    </message>
    <message>
        <source>Review note</source>
        <translation>Catatan pemeriksaan</translation>
    </message>
    <message>
        <source>Business</source>
        <translation>Usaha</translation>
    </message>
    <message>
        <source>Event</source>
        <translation>Acara</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>Cara kunjungan</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Alasan</translation>
    </message>
    <message>
        <source>Visit date</source>
        <translation>Tanggal kunjungan</translation>
    </message>
    <message>
        <source>NIK</source>
        <translation>NIK</translation>
    </message>
    <message>
        <source>Birth date</source>
        <translation>Tanggal lahir</translation>
    </message>
    <message>
        <source>Occupation</source>
        <translation>Pekerjaan</translation>
    </message>
    <message>
        <source>Declared income</source>
        <translation>Penghasilan yang dilaporkan</translation>
    </message>
    <message>
        <source>Programs</source>
        <translation>Program</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>Catatan</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>Hasil</translation>
    </message>
    <message>
        <source>Next follow-up</source>
        <translation>Tindak lanjut berikutnya</translation>
    </message>
    <message>
        <source>Yes</source>
        <translation>Ya</translation>
    </message>
    <message>
        <source>No</source>
        <translation>Tidak</translation>
    </message>
</context>
<context>
    <name>DashboardPage</name>
    <message>
        <source>Dashboard</source>
        <translation>Beranda</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Muat ulang</translation>
    </message>
    <message>
        <source>Visits today</source>
        <translation>Kunjungan hari ini</translation>
    </message>
    <message>
        <source>Enrollments today</source>
        <translation>Pendaftaran hari ini</translation>
    </message>
    <message>
        <source>Businesses registered today</source>
        <translation>Usaha terdaftar hari ini</translation>
    </message>
    <message>
        <source>Follow-ups due</source>
        <translation>Tindak lanjut jatuh tempo</translation>
    </message>
    <message>
        <source>Current event</source>
        <translation>Acara saat ini</translation>
    </message>
    <message>
        <source>Enrollment drafts</source>
        <translation>Draf pendaftaran</translation>
    </message>
    <message>
        <source>Enrollments needing correction</source>
        <translation>Pendaftaran perlu perbaikan</translation>
    </message>
    <message>
        <source>Changes not yet synced</source>
        <translation>Perubahan belum tersinkron</translation>
    </message>
    <message>
        <source>Targets at a glance</source>
        <translation>Sekilas target</translation>
    </message>
    <message>
        <source>{venue}, {start} – {end}</source>
        <translation>{venue}, {start} – {end}</translation>
    </message>
    <message>
        <source>% of target</source>
        <translation>% dari target</translation>
    </message>
    <message>
        <source>Progress against targets, in percent</source>
        <translation>Capaian terhadap target, dalam persen</translation>
    </message>
    <message>
        <source>Progress against targets</source>
        <translation>Capaian terhadap target</translation>
    </message>
    <message>
        <source>No targets have been received from the server.</source>
        <translation>Belum ada target yang diterima dari server.</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>Hari ini</translation>
    </message>
    <message>
        <source>Waiting for you</source>
        <translation>Menunggu Anda</translation>
    </message>
    <message>
        <source>Today at {event}</source>
        <translation>Hari ini di {event}</translation>
    </message>
    <message>
        <source>Current event: none chosen</source>
        <translation>Acara saat ini: belum dipilih</translation>
    </message>
    <message>
        <source>Pick the event of your booth in Settings; new records are tagged with it.</source>
        <translation>Pilih acara booth Anda di Pengaturan; data baru akan ditandai dengan acara itu.</translation>
    </message>
    <message>
        <source>Current event: {name}</source>
        <translation>Acara saat ini: {name}</translation>
    </message>
    <message>
        <source>Enrollments</source>
        <translation>Pendaftaran</translation>
    </message>
    <message>
        <source>Businesses registered</source>
        <translation>Usaha terdaftar</translation>
    </message>
    <message>
        <source>Visits</source>
        <translation>Kunjungan</translation>
    </message>
    <message>
        <source>New employers</source>
        <translation>Pemberi kerja baru</translation>
    </message>
    <message>
        <source>mine</source>
        <translation>saya</translation>
    </message>
    <message>
        <source>branch</source>
        <translation>cabang</translation>
    </message>
    <message>
        <source>event</source>
        <translation>acara</translation>
    </message>
    <message>
        <source>{metric} ({scope})</source>
        <translation>{metric} ({scope})</translation>
    </message>
    <message>
        <source>{reached} of {goal} ({percent}%)</source>
        <translation>{reached} dari {goal} ({percent}%)</translation>
    </message>
</context>
<context>
    <name>DateField</name>
    <message>
        <source>dd-mm-yyyy</source>
        <translation>hh-bb-tttt</translation>
    </message>
    <message>
        <source>Type the date, e.g. 05081990 or 5/8/1990; F4: calendar</source>
        <translation>Ketik tanggalnya, mis. 05081990 atau 5/8/1990; F4: kalender</translation>
    </message>
    <message>
        <source>Not a date: type the day, month and year, e.g. 05081990.</source>
        <translation>Bukan tanggal: ketik tanggal, bulan dan tahun, mis. 05081990.</translation>
    </message>
    <message>
        <source>The date is too early.</source>
        <translation>Tanggalnya terlalu awal.</translation>
    </message>
    <message>
        <source>The date is too late.</source>
        <translation>Tanggalnya terlalu jauh ke depan.</translation>
    </message>
</context>
<context>
    <name>EnrollmentsPage</name>
    <message>
        <source>Name</source>
        <translation>Nama</translation>
    </message>
    <message>
        <source>NIK</source>
        <translation>NIK</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Alasan</translation>
    </message>
    <message>
        <source>Enrollments the branch sent back, with the reason. Open one (Enter or double click), correct it and submit it again.</source>
        <translation>Pendaftaran yang dikembalikan kantor cabang, beserta alasannya. Buka (Enter atau klik dua kali), perbaiki, lalu ajukan lagi.</translation>
    </message>
    <message>
        <source>Last saved</source>
        <translation>Terakhir disimpan</translation>
    </message>
    <message>
        <source>(no name yet)</source>
        <translation>(belum ada nama)</translation>
    </message>
    <message>
        <source>Discard draft</source>
        <translation>Buang draf</translation>
    </message>
    <message>
        <source>Drafts stay on this laptop until they are submitted. Open one (Enter or double click) to finish it.</source>
        <translation>Draf tetap di laptop ini sampai diajukan. Buka (Enter atau klik dua kali) untuk menyelesaikannya.</translation>
    </message>
    <message>
        <source>Enrollment form</source>
        <translation>Formulir pendaftaran</translation>
    </message>
    <message>
        <source>Needs correction</source>
        <translation>Perlu perbaikan</translation>
    </message>
    <message>
        <source>Drafts</source>
        <translation>Draf</translation>
    </message>
    <message>
        <source>Contribution (monthly)</source>
        <translation>Iuran (per bulan)</translation>
    </message>
    <message>
        <source>Submitted</source>
        <translation>Diajukan</translation>
    </message>
    <message>
        <source>Sync state</source>
        <translation>Status sinkronisasi</translation>
    </message>
    <message>
        <source>Search name or NIK</source>
        <translation>Cari nama atau NIK</translation>
    </message>
    <message>
        <source>Print receipt</source>
        <translation>Cetak bukti pendaftaran</translation>
    </message>
    <message>
        <source>Print the receipt of the chosen enrollment</source>
        <translation>Cetak bukti pendaftaran yang dipilih</translation>
    </message>
    <message>
        <source>Receipt as PDF</source>
        <translation>Bukti sebagai PDF</translation>
    </message>
    <message>
        <source>Save the receipt of the chosen enrollment</source>
        <translation>Simpan bukti pendaftaran yang dipilih sebagai PDF</translation>
    </message>
    <message>
        <source>My enrollments</source>
        <translation>Pendaftaran saya</translation>
    </message>
    <message>
        <source>Enrollment of BPU workers</source>
        <translation>Pendaftaran Pekerja Bukan Penerima Upah (BPU)</translation>
    </message>
    <message>
        <source>{shown} of {total} enrollments</source>
        <translation>{shown} dari {total} pendaftaran</translation>
    </message>
    <message>
        <source>Drafts ({n})</source>
        <translation>Draf ({n})</translation>
    </message>
    <message>
        <source>Needs correction ({n})</source>
        <translation>Perlu perbaikan ({n})</translation>
    </message>
</context>
<context>
    <name>FirstRunPage</name>
    <message>
        <source>e.g. PLG-0123</source>
        <translation>mis. PLG-0123</translation>
    </message>
    <message>
        <source>e.g. Palembang</source>
        <translation>mis. Palembang</translation>
    </message>
    <message>
        <source>Agent</source>
        <translation>Agen</translation>
    </message>
    <message>
        <source>Supervisor</source>
        <translation>Supervisor</translation>
    </message>
    <message>
        <source>optional, e.g. https://perisai.example.id</source>
        <translation>boleh kosong, mis. https://perisai.example.id</translation>
    </message>
    <message>
        <source>Agent code</source>
        <translation>Kode agen</translation>
    </message>
    <message>
        <source>Full name</source>
        <translation>Nama lengkap</translation>
    </message>
    <message>
        <source>Branch office</source>
        <translation>Kantor cabang</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Peran</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Kata sandi</translation>
    </message>
    <message>
        <source>Repeat password</source>
        <translation>Ulangi kata sandi</translation>
    </message>
    <message>
        <source>Server address</source>
        <translation>Alamat server</translation>
    </message>
    <message>
        <source>Create account</source>
        <translation>Buat akun</translation>
    </message>
    <message>
        <source>Welcome to {app}</source>
        <translation>Selamat datang di {app}</translation>
    </message>
    <message>
        <source>This laptop has no account yet. Create the first one: it protects the data saved here. Keep the password safe; it cannot be recovered.</source>
        <translation>Laptop ini belum punya akun. Buat akun pertama: akun ini melindungi data yang disimpan di sini. Simpan kata sandi baik-baik; kata sandi tidak dapat dipulihkan.</translation>
    </message>
    <message>
        <source>Fill in the agent code, name and branch office.</source>
        <translation>Isi kode agen, nama dan kantor cabang.</translation>
    </message>
    <message>
        <source>The password needs at least {n} characters.</source>
        <translation>Kata sandi paling sedikit {n} karakter.</translation>
    </message>
    <message>
        <source>The two passwords are not the same.</source>
        <translation>Kedua kata sandi tidak sama.</translation>
    </message>
</context>
<context>
    <name>FollowUpsPage</name>
    <message>
        <source>Due</source>
        <translation>Jatuh tempo</translation>
    </message>
    <message>
        <source>Business name</source>
        <translation>Nama usaha</translation>
    </message>
    <message>
        <source>Owner</source>
        <translation>Pemilik usaha</translation>
    </message>
    <message>
        <source>Mobile number</source>
        <translation>Nomor HP</translation>
    </message>
    <message>
        <source>Last visit</source>
        <translation>Kunjungan terakhir</translation>
    </message>
    <message>
        <source>Last outcome</source>
        <translation>Hasil terakhir</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Muat ulang</translation>
    </message>
    <message>
        <source>Follow-ups due</source>
        <translation>Tindak lanjut jatuh tempo</translation>
    </message>
    <message>
        <source>{n} follow-ups due on or before {day}.</source>
        <translation>{n} tindak lanjut jatuh tempo sampai {day}.</translation>
    </message>
    <message>
        <source>No follow-ups are due. Well done.</source>
        <translation>Tidak ada tindak lanjut yang jatuh tempo. Bagus!</translation>
    </message>
</context>
<context>
    <name>FormActions</name>
    <message>
        <source>Draft saved.</source>
        <translation>Draf tersimpan.</translation>
    </message>
    <message>
        <source>This NIK is already enrolled (branch {branch}, since {date}), according to the server. Do not enroll the person twice: check the NIK with them. Nothing was submitted.</source>
        <translation>Menurut server, NIK ini sudah terdaftar (cabang {branch}, sejak {date}). Jangan daftarkan dua kali: periksa NIK dengan calon peserta. Tidak ada yang diajukan.</translation>
    </message>
    <message>
        <source>Submitted: {name}, {amount} per month. Ready for the next person.</source>
        <translation>Diajukan: {name}, {amount} per bulan. Siap untuk orang berikutnya.</translation>
    </message>
    <message>
        <source>Clear the form? What was typed is lost.</source>
        <translation>Kosongkan formulir? Isian yang sudah diketik akan hilang.</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>Kosongkan</translation>
    </message>
    <message>
        <source>Keep typing</source>
        <translation>Lanjut mengisi</translation>
    </message>
</context>
<context>
    <name>FormFields</name>
    <message>
        <source>1 month</source>
        <extracomment>the values the NIK filled in (not the person): a new NIK may replace them</extracomment>
        <translation>1 bulan</translation>
    </message>
    <message>
        <source>{n} months</source>
        <translation>{n} bulan</translation>
    </message>
    <message>
        <source>16 digits from the KTP</source>
        <translation>16 digit dari KTP</translation>
    </message>
    <message>
        <source>Reason to keep this birth date, e.g. the KTP was issued with an error</source>
        <translation>Alasan tetap memakai tanggal lahir ini, mis. KTP salah cetak</translation>
    </message>
    <message>
        <source>(choose)</source>
        <translation>(pilih)</translation>
    </message>
    <message>
        <source>08…</source>
        <translation>08…</translation>
    </message>
    <message>
        <source>optional</source>
        <translation>boleh kosong</translation>
    </message>
    <message>
        <source>The worker has heard this and agrees</source>
        <translation>Pekerja sudah mendengar penjelasan ini dan setuju</translation>
    </message>
    <message>
        <source>Mandatory for every BPU worker</source>
        <translation>Wajib bagi setiap pekerja BPU</translation>
    </message>
    <message>
        <source>Optional</source>
        <translation>Pilihan</translation>
    </message>
    <message>
        <source>Paid by the state or regional budget (APBN/APBD)</source>
        <translation>Iuran dibayar APBN/APBD</translation>
    </message>
    <message>
        <source>NIK</source>
        <extracomment>the field labels, for messages that name a field</extracomment>
        <translation>NIK</translation>
    </message>
    <message>
        <source>Full name</source>
        <translation>Nama lengkap</translation>
    </message>
    <message>
        <source>Place of birth</source>
        <translation>Tempat lahir</translation>
    </message>
    <message>
        <source>Date of birth</source>
        <translation>Tanggal lahir</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Alasan</translation>
    </message>
    <message>
        <source>Gender</source>
        <translation>Jenis kelamin</translation>
    </message>
    <message>
        <source>Mobile number</source>
        <translation>Nomor HP</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>Email</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Alamat</translation>
    </message>
    <message>
        <source>Region</source>
        <translation>Wilayah</translation>
    </message>
    <message>
        <source>Occupation</source>
        <translation>Pekerjaan</translation>
    </message>
    <message>
        <source>Declared income</source>
        <translation>Penghasilan yang dilaporkan</translation>
    </message>
    <message>
        <source>Programs</source>
        <translation>Program</translation>
    </message>
    <message>
        <source>Payment period</source>
        <translation>Periode pembayaran</translation>
    </message>
    <message>
        <source>Consent</source>
        <translation>Persetujuan</translation>
    </message>
</context>
<context>
    <name>FormPanels</name>
    <message>
        <source>Contribution (monthly)</source>
        <translation>Iuran (per bulan)</translation>
    </message>
    <message>
        <source>Read or explain to the worker: BPJS Ketenagakerjaan keeps the data on this form (identity, contact, occupation and declared income) to register and serve the participant, for as long as the membership lasts and as the law requires. The worker may see, correct or ask to delete their data.</source>
        <translation>Bacakan atau jelaskan kepada pekerja: BPJS Ketenagakerjaan menyimpan data pada formulir ini (identitas, kontak, pekerjaan dan penghasilan yang dilaporkan) untuk mendaftarkan dan melayani peserta, selama kepesertaan berlaku dan sesuai ketentuan hukum. Pekerja berhak melihat, memperbaiki, atau meminta penghapusan datanya.</translation>
    </message>
    <message>
        <source>Consent text version: {version}</source>
        <translation>Versi teks persetujuan: {version}</translation>
    </message>
    <message>
        <source>Consent</source>
        <translation>Persetujuan</translation>
    </message>
    <message>
        <source>Submit</source>
        <translation>Ajukan</translation>
    </message>
    <message>
        <source>Enter</source>
        <translation>Enter</translation>
    </message>
    <message>
        <source>Save draft</source>
        <translation>Simpan draf</translation>
    </message>
    <message>
        <source>Ctrl+S</source>
        <translation>Ctrl+S</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Batal</translation>
    </message>
    <message>
        <source>Esc: clear the form</source>
        <translation>Esc: kosongkan formulir</translation>
    </message>
    <message>
        <source>Print receipt</source>
        <translation>Cetak bukti pendaftaran</translation>
    </message>
    <message>
        <source>Print the enrollment receipt of the last submit</source>
        <translation>Cetak bukti pendaftaran dari pengajuan terakhir</translation>
    </message>
    <message>
        <source>Receipt as PDF</source>
        <translation>Bukti sebagai PDF</translation>
    </message>
    <message>
        <source>Save the enrollment receipt of the last submit</source>
        <translation>Simpan bukti pendaftaran dari pengajuan terakhir</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Lanjutkan</translation>
    </message>
    <message>
        <source>Discard</source>
        <translation>Buang</translation>
    </message>
    <message>
        <source>Keep the region for the next worker</source>
        <translation>Pertahankan wilayah untuk pekerja berikutnya</translation>
    </message>
    <message>
        <source>End the business link</source>
        <translation>Lepaskan kaitan usaha</translation>
    </message>
    <message>
        <source>Enter: submit · Ctrl+P: print the receipt · Ctrl+N or F2: next worker</source>
        <translation>Enter: ajukan · Ctrl+P: cetak bukti · Ctrl+N atau F2: pekerja berikutnya</translation>
    </message>
    <message>
        <source>Booth: event</source>
        <translation>Booth: acara</translation>
    </message>
</context>
<context>
    <name>FormValues</name>
    <message>
        <source>Worker of: {name}</source>
        <translation>Pekerja dari: {name}</translation>
    </message>
    <message>
        <source>Sent back for correction: {reason}</source>
        <translation>Dikembalikan untuk perbaikan: {reason}</translation>
    </message>
</context>
<context>
    <name>GuardedDialog</name>
    <message>
        <source>What you typed here before was kept (saved {when}).</source>
        <translation>Isian yang Anda ketik sebelumnya dipulihkan (disimpan {when}).</translation>
    </message>
    <message>
        <source>Close this form? What was typed in it is lost.</source>
        <translation>Tutup formulir ini? Isian yang sudah diketik akan hilang.</translation>
    </message>
    <message>
        <source>Close and discard</source>
        <translation>Tutup dan buang</translation>
    </message>
    <message>
        <source>Keep typing</source>
        <translation>Lanjut mengisi</translation>
    </message>
</context>
<context>
    <name>Labels</name>
    <message>
        <source>Prospect</source>
        <translation>Prospek</translation>
    </message>
    <message>
        <source>Contacted</source>
        <translation>Sudah dihubungi</translation>
    </message>
    <message>
        <source>Enrolled</source>
        <translation>Mendaftar</translation>
    </message>
    <message>
        <source>Declined</source>
        <translation>Menolak</translation>
    </message>
    <message>
        <source>Interested</source>
        <translation>Tertarik</translation>
    </message>
    <message>
        <source>Needs follow-up</source>
        <translation>Perlu tindak lanjut</translation>
    </message>
    <message>
        <source>Door to door</source>
        <translation>Kunjungan langsung</translation>
    </message>
    <message>
        <source>Booth</source>
        <translation>Booth</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Telepon</translation>
    </message>
    <message>
        <source>Micro</source>
        <translation>Mikro</translation>
    </message>
    <message>
        <source>Small</source>
        <translation>Kecil</translation>
    </message>
    <message>
        <source>Medium</source>
        <translation>Menengah</translation>
    </message>
    <message>
        <source>Draft</source>
        <translation>Draf</translation>
    </message>
    <message>
        <source>Submitted</source>
        <translation>Diajukan</translation>
    </message>
    <message>
        <source>Accepted</source>
        <translation>Diterima</translation>
    </message>
    <message>
        <source>Needs correction</source>
        <translation>Perlu perbaikan</translation>
    </message>
    <message>
        <source>Male</source>
        <translation>Laki-laki</translation>
    </message>
    <message>
        <source>Female</source>
        <translation>Perempuan</translation>
    </message>
    <message>
        <source>Work Accident Insurance (JKK)</source>
        <translation>Jaminan Kecelakaan Kerja (JKK)</translation>
    </message>
    <message>
        <source>Death Benefit (JKM)</source>
        <translation>Jaminan Kematian (JKM)</translation>
    </message>
    <message>
        <source>Old-Age Savings (JHT)</source>
        <translation>Jaminan Hari Tua (JHT)</translation>
    </message>
    <message>
        <source>Pending</source>
        <translation>Menunggu</translation>
    </message>
    <message>
        <source>Synced</source>
        <translation>Tersinkron</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>Ditolak</translation>
    </message>
    <message>
        <source>Conflict</source>
        <translation>Konflik</translation>
    </message>
    <message>
        <source>{n} hours</source>
        <extracomment>Past this many seconds apart from the server&apos;s, the laptop&apos;s clock is shown as wrong (the sync engine warns from the same figure).</extracomment>
        <translation>{n} jam</translation>
    </message>
    <message>
        <source>{n} minutes</source>
        <translation>{n} menit</translation>
    </message>
    <message>
        <source>Laptop clock {amount} slow</source>
        <translation>Jam laptop {amount} terlambat</translation>
    </message>
    <message>
        <source>Laptop clock {amount} fast</source>
        <translation>Jam laptop {amount} terlalu cepat</translation>
    </message>
    <message>
        <source>The laptop&apos;s clock is {amount} off the server&apos;s: new records would get a wrong time. Set the date, time and time zone in the laptop&apos;s settings (Date &amp; time: set time automatically), then sync again.</source>
        <translation>Jam laptop selisih {amount} dari jam server: data baru akan tercatat dengan waktu yang salah. Atur tanggal, jam dan zona waktu di pengaturan laptop (Tanggal &amp; waktu: atur waktu otomatis), lalu sinkronkan lagi.</translation>
    </message>
</context>
<context>
    <name>LiveChecks</name>
    <message>
        <source>Type the 16 digits of the NIK.</source>
        <translation>Ketik 16 digit NIK.</translation>
    </message>
    <message>
        <source>{n} of 16 digits</source>
        <translation>{n} dari 16 digit</translation>
    </message>
    <message>
        <source>Born {date} · {gender} · {region}</source>
        <translation>Lahir {date} · {gender} · {region}</translation>
    </message>
    <message>
        <source>The NIK is of a {gender} person: check the gender, or the NIK.</source>
        <translation>NIK ini milik seorang {gender}: periksa jenis kelamin atau NIK-nya.</translation>
    </message>
    <message>
        <source>The NIK was issued in {region}; the address may differ (people move).</source>
        <translation>NIK diterbitkan di {region}; alamat boleh berbeda (orang bisa pindah).</translation>
    </message>
    <message>
        <source>Type the income in digits only, e.g. 2500000.</source>
        <translation>Ketik penghasilan dengan angka saja, mis. 2500000.</translation>
    </message>
    <message>
        <source>This NIK is already enrolled on this laptop: {name} ({status}).</source>
        <translation>NIK ini sudah terdaftar di laptop ini: {name} ({status}).</translation>
    </message>
</context>
<context>
    <name>LoginPage</name>
    <message>
        <source>Log in to continue.</source>
        <translation>Masuk untuk melanjutkan.</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Kata sandi</translation>
    </message>
    <message>
        <source>Log in</source>
        <translation>Masuk</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>Akun</translation>
    </message>
    <message>
        <source>The window is locked. Type your password to continue.</source>
        <translation>Jendela terkunci. Ketik kata sandi Anda untuk melanjutkan.</translation>
    </message>
    <message>
        <source>Switch user: the next person picks their account and types their password.</source>
        <translation>Ganti pengguna: orang berikutnya memilih akunnya dan mengetik kata sandinya.</translation>
    </message>
    <message>
        <source>Pick your account and type your password.</source>
        <translation>Pilih akun Anda dan ketik kata sandi.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Session</source>
        <extracomment>The window&apos;s size the first time (clamped to a smaller screen). The app&apos;s version against the server&apos;s: too old to sync, or an update exists.</extracomment>
        <translation>Sesi</translation>
    </message>
    <message>
        <source>Switch user</source>
        <translation>Ganti pengguna</translation>
    </message>
    <message>
        <source>Lock the window and let the next person log in</source>
        <translation>Kunci jendela dan biarkan orang berikutnya masuk</translation>
    </message>
    <message>
        <source>Lock</source>
        <translation>Kunci</translation>
    </message>
    <message>
        <source>Lock the window until you type your password</source>
        <translation>Kunci jendela sampai Anda mengetik kata sandi</translation>
    </message>
    <message>
        <source>Log out</source>
        <translation>Keluar</translation>
    </message>
    <message>
        <source>End your session: the form is emptied and the login page is shown</source>
        <translation>Akhiri sesi Anda: formulir dikosongkan dan halaman masuk ditampilkan</translation>
    </message>
    <message>
        <source>Supervisor</source>
        <translation>Supervisor</translation>
    </message>
    <message>
        <source>Agent</source>
        <translation>Agen</translation>
    </message>
    <message>
        <source>{name} ({code}) · {role}</source>
        <translation>{name} ({code}) · {role}</translation>
    </message>
    <message>
        <source>Event: {name}</source>
        <translation>Acara: {name}</translation>
    </message>
    <message>
        <source>No event chosen</source>
        <translation>Belum ada acara dipilih</translation>
    </message>
    <message>
        <source>Online</source>
        <translation>Online</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>Offline</translation>
    </message>
    <message>
        <source>Pending: {n}</source>
        <translation>Menunggu: {n}</translation>
    </message>
    <message>
        <source>App too old: update it to sync</source>
        <translation>Aplikasi terlalu lama: perbarui untuk sinkron</translation>
    </message>
    <message>
        <source>Update available: {version}</source>
        <translation>Pembaruan tersedia: {version}</translation>
    </message>
</context>
<context>
    <name>Messages</name>
    <message>
        <source>Cannot continue</source>
        <extracomment>Where the log file is, for the crash dialog (set by app.py).</extracomment>
        <translation>Tidak dapat dilanjutkan</translation>
    </message>
    <message>
        <source>the program&apos;s log folder</source>
        <translation>folder log program</translation>
    </message>
    <message>
        <source>Something went wrong inside Perisai Agent. This is not your fault.

Please send the log file from {where} to support, with the time {stamp} and what you were doing. Your saved data is safe.</source>
        <translation>Terjadi kesalahan di dalam Perisai Agent. Ini bukan kesalahan Anda.

Kirim file log dari {where} ke tim dukungan, beserta waktu {stamp} dan apa yang sedang Anda lakukan. Data yang sudah tersimpan aman.</translation>
    </message>
    <message>
        <source>Program error</source>
        <translation>Kesalahan program</translation>
    </message>
    <message>
        <source>Information</source>
        <translation>Informasi</translation>
    </message>
    <message>
        <source>Attention</source>
        <translation>Perhatian</translation>
    </message>
</context>
<context>
    <name>ProblemsView</name>
    <message>
        <source>The NIK is not valid.</source>
        <translation>NIK tidak valid.</translation>
    </message>
    <message>
        <source>Fill in the full name.</source>
        <translation>Isi nama lengkap.</translation>
    </message>
    <message>
        <source>Fill in the date of birth.</source>
        <translation>Isi tanggal lahir.</translation>
    </message>
    <message>
        <source>The birth date differs from the NIK: give a reason.</source>
        <translation>Tanggal lahir berbeda dengan NIK: tulis alasannya.</translation>
    </message>
    <message>
        <source>Choose the gender.</source>
        <translation>Pilih jenis kelamin.</translation>
    </message>
    <message>
        <source>Fill in the mobile number.</source>
        <translation>Isi nomor HP.</translation>
    </message>
    <message>
        <source>Choose the occupation.</source>
        <translation>Pilih pekerjaan.</translation>
    </message>
    <message>
        <source>The worker&apos;s consent is needed.</source>
        <translation>Persetujuan pekerja diperlukan.</translation>
    </message>
    <message>
        <source>Check the fields marked in red.</source>
        <translation>Periksa isian yang ditandai merah.</translation>
    </message>
    <message>
        <source>{warnings}

Is this right?</source>
        <translation>{warnings}

Apakah ini benar?</translation>
    </message>
    <message>
        <source>Yes, it is right</source>
        <translation>Ya, sudah benar</translation>
    </message>
    <message>
        <source>Check again</source>
        <translation>Periksa lagi</translation>
    </message>
</context>
<context>
    <name>QuoteView</name>
    <message>
        <source>{amount} per month</source>
        <translation>{amount} per bulan</translation>
    </message>
    <message>
        <source>To pay now for {months}: {amount}</source>
        <translation>Dibayar sekarang untuk {months}: {amount}</translation>
    </message>
    <message>
        <source>Discount: {label}</source>
        <translation>Diskon: {label}</translation>
    </message>
</context>
<context>
    <name>RegionPicker</name>
    <message>
        <source>Search a district or village, e.g. Ilir Timur</source>
        <translation>Cari kecamatan atau kelurahan/desa, mis. Ilir Timur</translation>
    </message>
    <message>
        <source>Province</source>
        <translation>Provinsi</translation>
    </message>
    <message>
        <source>Regency/city</source>
        <translation>Kabupaten/Kota</translation>
    </message>
    <message>
        <source>District</source>
        <translation>Kecamatan</translation>
    </message>
    <message>
        <source>Village</source>
        <translation>Kelurahan/Desa</translation>
    </message>
    <message>
        <source>(choose)</source>
        <translation>(pilih)</translation>
    </message>
</context>
<context>
    <name>ReportsPage</name>
    <message>
        <source>My day</source>
        <translation>Hari saya</translation>
    </message>
    <message>
        <source>Current event</source>
        <translation>Acara saat ini</translation>
    </message>
    <message>
        <source>Agent code</source>
        <translation>Kode agen</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>Tampilkan</translation>
    </message>
    <message>
        <source>Print…</source>
        <translation>Cetak…</translation>
    </message>
    <message>
        <source>Save as PDF…</source>
        <translation>Simpan sebagai PDF…</translation>
    </message>
    <message>
        <source>Enrollments</source>
        <translation>Pendaftaran</translation>
    </message>
    <message>
        <source>Visits</source>
        <translation>Kunjungan</translation>
    </message>
    <message>
        <source>Businesses (UMKM)</source>
        <translation>Usaha (UMKM)</translation>
    </message>
    <message>
        <source>Only the current event</source>
        <translation>Hanya acara saat ini</translation>
    </message>
    <message>
        <source>Excel (.xlsx)</source>
        <translation>Excel (.xlsx)</translation>
    </message>
    <message>
        <source>CSV (.csv)</source>
        <translation>CSV (.csv)</translation>
    </message>
    <message>
        <source>Personal data unmasked (supervisors only)</source>
        <translation>Data pribadi tanpa disamarkan (khusus supervisor)</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>Ekspor…</translation>
    </message>
    <message>
        <source>NIK, names, phone numbers and incomes are masked. Every export is recorded in the audit trail.</source>
        <translation>NIK, nama, nomor HP dan penghasilan disamarkan. Setiap ekspor dicatat dalam jejak audit.</translation>
    </message>
    <message>
        <source>Data</source>
        <translation>Data</translation>
    </message>
    <message>
        <source>From / to</source>
        <translation>Dari / sampai</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>Format</translation>
    </message>
    <message>
        <source>Daily summary</source>
        <translation>Ringkasan harian</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Ekspor</translation>
    </message>
    <message>
        <source>Only a supervisor may export unmasked data.</source>
        <translation>Hanya supervisor yang boleh mengekspor data tanpa disamarkan.</translation>
    </message>
    <message>
        <source>Fill in the date, e.g. 01112026.</source>
        <translation>Isi tanggalnya, mis. 01112026.</translation>
    </message>
    <message>
        <source>Excel files (*.xlsx)</source>
        <translation>Berkas Excel (*.xlsx)</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>Berkas CSV (*.csv)</translation>
    </message>
    <message>
        <source>{n} rows exported to {path}.</source>
        <translation>{n} baris diekspor ke {path}.</translation>
    </message>
    <message>
        <source>Personal data is NOT masked: keep the file safe.</source>
        <translation>Data pribadi TIDAK disamarkan: simpan berkas ini dengan aman.</translation>
    </message>
</context>
<context>
    <name>SettingsPage</name>
    <message>
        <source> minutes</source>
        <translation> menit</translation>
    </message>
    <message>
        <source>Never</source>
        <translation>Tidak pernah</translation>
    </message>
    <message>
        <source>e.g. https://perisai.example.id</source>
        <translation>mis. https://perisai.example.id</translation>
    </message>
    <message>
        <source>Save settings</source>
        <translation>Simpan pengaturan</translation>
    </message>
    <message>
        <source>Current event</source>
        <translation>Acara saat ini</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Bahasa</translation>
    </message>
    <message>
        <source>Lock after idle</source>
        <translation>Kunci setelah tidak dipakai</translation>
    </message>
    <message>
        <source>Booth mode: open on the enrollment form after each login</source>
        <translation>Mode booth: buka formulir pendaftaran setiap kali masuk</translation>
    </message>
    <message>
        <source>For a laptop shared at an event booth; visits are recorded as booth visits</source>
        <translation>Untuk laptop yang dipakai bersama di booth acara; kunjungan dicatat sebagai kunjungan booth</translation>
    </message>
    <message>
        <source>Server address</source>
        <translation>Alamat server</translation>
    </message>
    <message>
        <source>Time zone</source>
        <translation>Zona waktu</translation>
    </message>
    <message>
        <source>Agent</source>
        <translation>Agen</translation>
    </message>
    <message>
        <source>Supervisor</source>
        <translation>Supervisor</translation>
    </message>
    <message>
        <source>Add account</source>
        <translation>Tambah akun</translation>
    </message>
    <message>
        <source>Agent code</source>
        <translation>Kode agen</translation>
    </message>
    <message>
        <source>Full name</source>
        <translation>Nama lengkap</translation>
    </message>
    <message>
        <source>Branch office</source>
        <translation>Kantor cabang</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Peran</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Kata sandi</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Pengaturan</translation>
    </message>
    <message>
        <source>Another account on this laptop</source>
        <translation>Akun lain di laptop ini</translation>
    </message>
    <message>
        <source>At a shared booth laptop each person logs in with their own account.</source>
        <translation>Di laptop booth yang dipakai bersama, setiap orang masuk dengan akunnya sendiri.</translation>
    </message>
    <message>
        <source>About Perisai Agent…</source>
        <translation>Tentang Perisai Agent…</translation>
    </message>
    <message>
        <source>The version, the server, and the licences of the software it bundles</source>
        <translation>Versi, server, dan lisensi perangkat lunak yang disertakan</translation>
    </message>
    <message>
        <source>{abbreviation} ({zone}): dates, quotes, targets and summaries follow your branch&apos;s day. The server sets it at login.</source>
        <translation>{abbreviation} ({zone}): tanggal, iuran, target dan ringkasan mengikuti hari di kantor cabang Anda. Server menetapkannya saat login.</translation>
    </message>
    <message>
        <source>(no event)</source>
        <translation>(tanpa acara)</translation>
    </message>
    <message>
        <source>Saved. The new language applies the next time the app starts.</source>
        <translation>Tersimpan. Bahasa baru berlaku saat aplikasi dibuka lagi.</translation>
    </message>
    <message>
        <source>Saved.</source>
        <translation>Tersimpan.</translation>
    </message>
    <message>
        <source>Only a supervisor the server has confirmed may add accounts on this laptop.</source>
        <translation>Hanya supervisor yang sudah dikonfirmasi server yang boleh menambah akun di laptop ini.</translation>
    </message>
    <message>
        <source>Fill in every field; the password needs at least 8 characters.</source>
        <translation>Isi semua kolom; kata sandi paling sedikit 8 karakter.</translation>
    </message>
    <message>
        <source>Account added.</source>
        <translation>Akun ditambahkan.</translation>
    </message>
</context>
<context>
    <name>SyncPage</name>
    <message>
        <source>Server</source>
        <extracomment>Asks where to write / what to read (tests replace these).</extracomment>
        <translation>Server</translation>
    </message>
    <message>
        <source>Connection</source>
        <translation>Koneksi</translation>
    </message>
    <message>
        <source>Changes waiting to be sent</source>
        <translation>Perubahan yang menunggu dikirim</translation>
    </message>
    <message>
        <source>Last successful sync</source>
        <translation>Sinkronisasi terakhir yang berhasil</translation>
    </message>
    <message>
        <source>Sync now</source>
        <translation>Sinkronkan sekarang</translation>
    </message>
    <message>
        <source>Export for USB…</source>
        <translation>Ekspor untuk USB…</translation>
    </message>
    <message>
        <source>Write the changes waiting to be sent to a file, to take to the branch</source>
        <translation>Tulis perubahan yang menunggu dikirim ke berkas, untuk dibawa ke kantor cabang</translation>
    </message>
    <message>
        <source>Send a bundle file…</source>
        <translation>Kirim berkas bundel…</translation>
    </message>
    <message>
        <source>Send a file exported on a laptop without internet to the server</source>
        <translation>Kirim ke server berkas yang diekspor dari laptop tanpa internet</translation>
    </message>
    <message>
        <source>Your password on the server</source>
        <extracomment>Too old for the server, or a newer app exists (SYNC_PROTOCOL.md 1.1). The laptop&apos;s clock, when it is more than five minutes off the server&apos;s.</extracomment>
        <translation>Kata sandi Anda di server</translation>
    </message>
    <message>
        <source>Log in to the server and sync</source>
        <translation>Masuk ke server dan sinkronkan</translation>
    </message>
    <message>
        <source>Record</source>
        <translation>Data</translation>
    </message>
    <message>
        <source>Sync state</source>
        <translation>Status sinkronisasi</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>Masalah</translation>
    </message>
    <message>
        <source>What to do</source>
        <translation>Yang perlu dilakukan</translation>
    </message>
    <message>
        <source>Compare and choose…</source>
        <translation>Bandingkan dan pilih…</translation>
    </message>
    <message>
        <source>Show this laptop&apos;s data beside the server&apos;s and choose which to keep</source>
        <translation>Tampilkan data laptop ini di samping data server, lalu pilih yang dipakai</translation>
    </message>
    <message>
        <source>Sync</source>
        <translation>Sinkronisasi</translation>
    </message>
    <message>
        <source>Everything is saved on this laptop first. When the laptop is online, changes are sent to the central server and review decisions come back.</source>
        <translation>Semua data disimpan dulu di laptop ini. Saat laptop online, perubahan dikirim ke server pusat dan hasil pemeriksaan diterima kembali.</translation>
    </message>
    <message>
        <source>Refused or in conflict</source>
        <translation>Ditolak atau konflik</translation>
    </message>
    <message>
        <source>Business</source>
        <translation>Usaha</translation>
    </message>
    <message>
        <source>Visit</source>
        <translation>Kunjungan</translation>
    </message>
    <message>
        <source>Enrollment</source>
        <translation>Pendaftaran</translation>
    </message>
    <message>
        <source>Server&apos;s message: {message} (code {code})</source>
        <translation>Pesan server: {message} (kode {code})</translation>
    </message>
    <message>
        <source>Pending</source>
        <translation>Menunggu</translation>
    </message>
    <message>
        <source>Synced</source>
        <translation>Tersinkron</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>Ditolak</translation>
    </message>
    <message>
        <source>Conflict</source>
        <translation>Konflik</translation>
    </message>
    <message>
        <source>No server set (see Settings)</source>
        <translation>Server belum diatur (lihat Pengaturan)</translation>
    </message>
    <message>
        <source>Online</source>
        <translation>Online</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>Offline</translation>
    </message>
    <message>
        <source>Never</source>
        <translation>Tidak pernah</translation>
    </message>
    <message>
        <source>Refused or in conflict ({n})</source>
        <translation>Ditolak atau konflik ({n})</translation>
    </message>
    <message>
        <source>This version of Perisai Agent ({version}) is too old for the server: sync is refused until the app is updated. Ask your branch office for the update.</source>
        <translation>Versi Perisai Agent ini ({version}) terlalu lama untuk server: sinkronisasi ditolak sampai aplikasi diperbarui. Minta pembaruan ke kantor cabang.</translation>
    </message>
    <message>
        <source>A newer version of Perisai Agent is available ({latest}; this one is {version}). Ask your branch office for the update.</source>
        <translation>Versi baru Perisai Agent tersedia ({latest}; versi ini {version}). Minta pembaruan ke kantor cabang.</translation>
    </message>
    <message>
        <source>Syncing…</source>
        <translation>Menyinkronkan…</translation>
    </message>
    <message>
        <source>Asking the server</source>
        <translation>Menghubungi server</translation>
    </message>
    <message>
        <source>Sending</source>
        <translation>Mengirim</translation>
    </message>
    <message>
        <source>Receiving</source>
        <translation>Menerima</translation>
    </message>
    <message>
        <source>{phase}: {done} of {total}</source>
        <translation>{phase}: {done} dari {total}</translation>
    </message>
    <message>
        <source>Syncing… {phase}: {done}</source>
        <translation>Menyinkronkan… {phase}: {done}</translation>
    </message>
    <message>
        <source>Sync finished: {sent} sent, {received} received.</source>
        <translation>Sinkronisasi selesai: {sent} terkirim, {received} diterima.</translation>
    </message>
    <message>
        <source>This laptop is not logged in to the server yet: type your password.</source>
        <translation>Laptop ini belum masuk ke server: ketik kata sandi Anda.</translation>
    </message>
    <message>
        <source>Sync failed.</source>
        <translation>Sinkronisasi gagal.</translation>
    </message>
    <message>
        <source>Your data is kept; it will be sent at the next sync.</source>
        <translation>Data Anda dipakai; akan dikirim pada sinkronisasi berikutnya.</translation>
    </message>
    <message>
        <source>The server&apos;s data is now on this laptop.</source>
        <translation>Data server sekarang ada di laptop ini.</translation>
    </message>
    <message>
        <source>Export for USB</source>
        <translation>Ekspor untuk USB</translation>
    </message>
    <message>
        <source>Perisai bundle (*.bundle)</source>
        <translation>Bundel Perisai (*.bundle)</translation>
    </message>
    <message>
        <source>Send a bundle file</source>
        <translation>Kirim berkas bundel</translation>
    </message>
    <message>
        <source>{n} changes written to {files}. Take the file to the branch; the changes stay waiting here until the server answers.</source>
        <translation>{n} perubahan ditulis ke {files}. Bawa berkas ke kantor cabang; perubahan tetap menunggu di sini sampai server menjawab.</translation>
    </message>
    <message>
        <source>Export failed.</source>
        <translation>Ekspor gagal.</translation>
    </message>
    <message>
        <source>Bundle sent: the server took {taken} of {n} changes.</source>
        <translation>Bundel terkirim: server menerima {taken} dari {n} perubahan.</translation>
    </message>
    <message>
        <source>The bundle could not be sent.</source>
        <translation>Bundel tidak dapat dikirim.</translation>
    </message>
</context>
<context>
    <name>TimeField</name>
    <message>
        <source>hh.mm</source>
        <translation>jj.mm</translation>
    </message>
    <message>
        <source>Type the time, e.g. 1640 or 16.40</source>
        <translation>Ketik jamnya, mis. 1640 atau 16.40</translation>
    </message>
    <message>
        <source>Not a time: type hours and minutes, e.g. 1640.</source>
        <translation>Bukan jam: ketik jam dan menit, mis. 1640.</translation>
    </message>
</context>
<context>
    <name>VisitDialog</name>
    <message>
        <source>Record a visit: {name}</source>
        <translation>Catat kunjungan: {name}</translation>
    </message>
    <message>
        <source>e.g. waiting for the owner&apos;s husband</source>
        <translation>mis. menunggu suami pemilik</translation>
    </message>
    <message>
        <source>Plan a follow-up</source>
        <translation>Jadwalkan tindak lanjut</translation>
    </message>
    <message>
        <source>Time of the visit</source>
        <translation>Waktu kunjungan</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>Cara kunjungan</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>Hasil</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Alasan</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>Catatan</translation>
    </message>
    <message>
        <source>Next follow-up</source>
        <translation>Tindak lanjut berikutnya</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Simpan</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Batal</translation>
    </message>
    <message>
        <source>Fill in the date and time of the visit.</source>
        <translation>Isi tanggal dan jam kunjungan.</translation>
    </message>
    <message>
        <source>The time of the visit is in the future.</source>
        <translation>Waktu kunjungan ada di masa depan.</translation>
    </message>
    <message>
        <source>Choose the date of the next follow-up.</source>
        <translation>Pilih tanggal tindak lanjut berikutnya.</translation>
    </message>
</context>
<context>
    <name>Workspace</name>
    <message>
        <source>Dashboard</source>
        <extracomment>The pages in the navigation&apos;s order (Ctrl+1 ... Ctrl+7): key -&gt; what builds the page.</extracomment>
        <translation>Beranda</translation>
    </message>
    <message>
        <source>Businesses (UMKM)</source>
        <translation>Usaha (UMKM)</translation>
    </message>
    <message>
        <source>Enrollments</source>
        <translation>Pendaftaran</translation>
    </message>
    <message>
        <source>Follow-ups</source>
        <translation>Tindak lanjut</translation>
    </message>
    <message>
        <source>Reports</source>
        <translation>Laporan</translation>
    </message>
    <message>
        <source>Sync</source>
        <translation>Sinkronisasi</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Pengaturan</translation>
    </message>
    <message>
        <source>Ctrl+{n}</source>
        <translation>Ctrl+{n}</translation>
    </message>
</context>
<context>
    <name>printing</name>
    <message>
        <source>Print</source>
        <translation>Cetak</translation>
    </message>
    <message>
        <source>Save as PDF</source>
        <translation>Simpan sebagai PDF</translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation>Berkas PDF (*.pdf)</translation>
    </message>
    <message>
        <source>Saved: {path}</source>
        <translation>Tersimpan: {path}</translation>
    </message>
</context>
</TS>
