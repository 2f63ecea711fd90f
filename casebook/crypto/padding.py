"""PADMÉ length padding (Nikitin et al., "Reducing Metadata Leakage from Encrypted Files and
Communication with PURBs", PETS 2019, algorithm 1).

A length L >= 2 with E = floor(log2 L) and S = floor(log2 E) + 1 is rounded up to a multiple of
2**(E - S): the padded length keeps at most S + 1 significant bits, so there are O(log L)
distinct padded sizes per power of two and the overhead is below 2**-S (at most 11.63 %, reached
at L = 129). Lengths 0 and 1 are returned unchanged.
"""

from __future__ import annotations


def padme(length: int) -> int:
    """The PADMÉ-padded length of ``length`` bytes (exact integer arithmetic)."""
    if length < 0:
        raise ValueError("a length is not negative")
    if length < 2:
        return length
    exponent = length.bit_length() - 1  # E = floor(log2 L)
    size_bits = exponent.bit_length()  # S = floor(log2 E) + 1
    mask = (1 << (exponent - size_bits)) - 1
    return (length + mask) & ~mask
