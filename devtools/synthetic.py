"""Synthetic Palembang vocabulary and the record makers built on it: business names, owners,
streets, districts, visit reasons, and NIKs of the right shape (region, birth date, +40 for a
woman). Every name, phone number and NIK made here is synthetic."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

FOODS = ["Pempek", "Tekwan", "Model", "Laksan", "Martabak", "Pindang", "Kopi", "Kerupuk"]
CRAFTS = ["Songket", "Tenun", "Jumputan", "Ukiran", "Batik"]
SHOPS = ["Toko", "Warung", "Kios", "Bengkel", "Salon", "Jahit", "Depot"]
CALLS = ["Cek", "Bu", "Pak", "Mang", "Wak", "Yuk", "Kak", "Haji", "Mbak", "Koh"]
NAMES = [
    "Molek",
    "Ipah",
    "Candy",
    "Berkah",
    "Jaya",
    "Sari",
    "Makmur",
    "Abadi",
    "Lestari",
    "Vico",
    "Rezeki",
    "Amanah",
    "Harapan",
    "Sentosa",
    "Dewi",
    "Nona",
    "Saga",
    "Lince",
]
PEOPLE = [
    "Siti",
    "Rina",
    "Ahmad",
    "Budi",
    "Dewi",
    "Agus",
    "Hendra",
    "Yanti",
    "Rudi",
    "Ani",
    "Wati",
    "Joko",
    "Sri",
    "Eko",
    "Fitri",
    "Hasan",
    "Indra",
    "Lina",
    "Maya",
    "Nur",
]
FAMILY = [
    "Aminah",
    "Marlina",
    "Santoso",
    "Wijaya",
    "Saputra",
    "Rohani",
    "Kusuma",
    "Hidayat",
    "Pratama",
    "Lestari",
    "Siregar",
    "Nasution",
    "Harahap",
    "Putri",
    "Setiawan",
]
DISTRICTS = [
    "16.71.01",
    "16.71.02",
    "16.71.03",
    "16.71.04",
    "16.71.05",
    "16.71.06",
    "16.71.07",
    "16.71.08",
    "16.71.09",
    "16.71.10",
    "16.71.11",
    "16.71.12",
]
STREETS = [
    "Jl. Merdeka",
    "Jl. Sudirman",
    "Jl. Kapten Rivai",
    "Jl. Veteran",
    "Jl. Demang Lebar Daun",
    "Jl. Kolonel Atmo",
    "Jl. Basuki Rahmat",
    "Jl. Mayor Ruslan",
    "Lorong Pempek",
]
REASONS = [
    "Menunggu suami pulang",
    "Minta brosur JHT",
    "Belum gajian",
    "Mau tanya keluarga",
    "Sudah ikut BPJS Kesehatan saja",
    "Tertarik, minta datang lagi",
]


#: The bulk fill's words (tests/bench): a wider spread of names for search benchmarks.
BULK_FIRST = [
    "Pempek",
    "Songket",
    "Toko",
    "Warung",
    "Kopi",
    "Martabak",
    "Bengkel",
    "Kerupuk",
    "Tekwan",
    "Model",
    "Laksan",
    "Celimpungan",
    "Pindang",
    "Apotek",
    "Salon",
    "Jahit",
    "Kedai",
    "Depot",
    "Rumah Makan",
    "Kios",
]
BULK_THIRD = [
    *NAMES[:9],
    "Sentosa",
    "Rezeki",
    "Barokah",
    "Mandiri",
    "Sejahtera",
    "Indah",
    "Permai",
    "Amanah",
    "Bersama",
    "Harapan",
    "Sumber",
]
SECTORS = ["kuliner", "kerajinan", "perdagangan", "jasa", "transportasi"]
STATUSES = ["prospect", "contacted", "enrolled", "declined"]


def business_fields(rng: random.Random, n: int) -> dict[str, Any]:
    kind = rng.random()
    if kind < 0.5:
        name, sector = f"{rng.choice(FOODS)} {rng.choice(CALLS)} {rng.choice(NAMES)}", "kuliner"
    elif kind < 0.7:
        name, sector = f"{rng.choice(CRAFTS)} {rng.choice(CALLS)} {rng.choice(NAMES)}", "kerajinan"
    else:
        name = f"{rng.choice(SHOPS)} {rng.choice(NAMES)}"
        sector = rng.choice(["perdagangan", "jasa", "transportasi"])
    if n % 7 == 0:
        name += f" {rng.choice(['Plaju', 'Seberang Ulu', '26 Ilir', 'Sako', 'Kertapati'])}"
    return {
        "name": name,
        "owner_name": f"{rng.choice(PEOPLE)} {rng.choice(FAMILY)}",
        "phone": f"+62812{rng.randrange(10**7, 10**8)}",
        "sector": sector,
        "size_class": rng.choice(["mikro"] * 6 + ["kecil"] * 2 + ["menengah"]),
        "workers_count": rng.randrange(0, 15),
        "address": f"{rng.choice(STREETS)} No. {rng.randrange(1, 200)}",
        "region_code": rng.choice(DISTRICTS),
    }


def synthetic_nik(rng: random.Random, birth: dt.date, female: bool, district: str) -> str:
    day = birth.day + (40 if female else 0)
    return f"{district.replace('.', '')}{day:02d}{birth:%m%y}{rng.randrange(1, 9999):04d}"
