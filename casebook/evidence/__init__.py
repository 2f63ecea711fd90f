"""Encrypted evidence: opaque ciphertext blobs and their storage."""
