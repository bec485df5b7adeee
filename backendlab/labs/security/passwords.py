"""Passwords: the NIST SP 800-63B-4 signup rules, a common-password blocklist, argon2id with rehash-on-upgrade, a rate meter."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# ----------------------------------------------------------------------------------------------------------------
# Passwords
# ----------------------------------------------------------------------------------------------------------------

# Well-known entries of public common-password lists (e.g. the NCSC / Have I Been Pwned top 100,000).
COMMON_PASSWORDS = [
    "123456", "password", "12345678", "qwerty", "123456789", "12345", "1234", "111111", "1234567", "dragon",
    "123123", "baseball", "abc123", "football", "monkey", "letmein", "696969", "shadow", "master", "666666",
    "qwertyuiop", "123321", "mustang", "1234567890", "michael", "654321", "superman", "1qaz2wsx", "7777777",
    "121212", "000000", "qazwsx", "123qwe", "killer", "trustno1", "jordan", "jennifer", "zxcvbnm", "asdfgh",
    "hunter", "buster", "soccer", "harley", "batman", "andrew", "tigger", "sunshine", "iloveyou", "2000",
    "charlie", "robert", "thomas", "hockey", "ranger", "daniel", "starwars", "klaster", "112233", "george",
    "computer", "michelle", "jessica", "pepper", "1111", "zxcvbn", "555555", "11111111", "131313", "freedom",
    "777777", "pass", "maggie", "159753", "aaaaaa", "ginger", "princess", "joshua", "cheese", "amanda",
    "summer", "love", "ashley", "nicole", "chelsea", "biteme", "matthew", "access", "yankees", "987654321",
    "dallas", "austin", "thunder", "taylor", "matrix", "password1", "welcome", "changeme", "secret", "admin",
    "summer2024", "winter2023", "spring2025", "autumn2022", "p@ssw0rd", "passw0rd", "letmein1", "qwerty123",
]
_BLOCKLIST = frozenset(p.lower() for p in COMMON_PASSWORDS)


# NIST SP 800-63B-4 (final, August 2025), §3.1.1.2 "Password verifiers": a password that is the only authentication
# factor SHALL be at least 15 characters long (8 when it is one factor of several); verifiers SHOULD permit at least 64;
# new passwords SHALL be compared with a blocklist of commonly used, expected or compromised values; no composition rules
# and no periodic changes (both SHALL NOT). Length counts Unicode code points, which is what len() of a str counts.
MIN_PASSWORD_LENGTH = 15
MAX_PASSWORD_LENGTH = 128


def password_problems(password: str, username: str = "") -> list[str]:
    """Why a NEW single-factor password would be refused at signup ([] when it is acceptable).

    Too short (< MIN_PASSWORD_LENGTH code points) or too long (> MAX_PASSWORD_LENGTH); on the blocklist (the whole
    password, compared case-insensitively with COMMON_PASSWORDS); or an expected password that contains the username.
    Every reason found is listed, so a learner sees that `password1` fails two rules. No composition rules.
    """
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(f"shorter than {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        problems.append(f"longer than {MAX_PASSWORD_LENGTH} characters")
    if password.strip().lower() in _BLOCKLIST:
        problems.append("on the blocklist of common passwords")
    if len(username) >= 3 and username.lower() in password.lower():
        problems.append("contains the username")
    return problems


def cheap_hasher() -> PasswordHasher:
    """argon2id with cheap-but-real parameters for notebooks and tests (1 pass, 8 MiB, 1 lane)."""
    return PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)


def hash_password(password: str, hasher: PasswordHasher) -> str:
    """Reference for exercise 2: a salted argon2id hash, parameters encoded in the string."""
    return hasher.hash(password)


def verify_password(stored_hash: str, password: str, hasher: PasswordHasher) -> tuple[bool, str | None]:
    """Reference for exercise 2: (matches, a fresh hash when the stored one used other parameters, else None)."""
    try:
        hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False, None
    return True, (hasher.hash(password) if hasher.check_needs_rehash(stored_hash) else None)


def measure_rate(fn: Callable[[], Any], max_count: int, max_seconds: float) -> tuple[int, float]:
    """Call fn until max_count calls or max_seconds pass; return (calls, seconds) — both bounds always hold."""
    start = time.perf_counter()
    count = 0
    while count < max_count:
        fn()
        count += 1
        if time.perf_counter() - start > max_seconds:
            break
    return count, time.perf_counter() - start
