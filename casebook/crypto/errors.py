"""Shared error types for casebook.crypto.

Every refusal to accept encrypted or signed data raises a subclass of
:class:`CryptoFormatError`, with a message meant for a human.
"""

from __future__ import annotations


class CryptoFormatError(Exception):
    """Base class: the data is malformed, altered, or belongs elsewhere."""


class UnsupportedFormatError(CryptoFormatError):
    """Wrong magic bytes or an unknown format version."""


class WrongContextError(CryptoFormatError):
    """Data belongs to another attachment, vault or key generation."""


class TruncatedError(CryptoFormatError):
    """The data was cut short."""


class TamperedError(CryptoFormatError):
    """Authentication failed: bytes were altered, moved, or the key is wrong."""


class TrailingDataError(CryptoFormatError):
    """Bytes follow the authenticated end of the data."""


class PaddingError(CryptoFormatError):
    """The decrypted padding or length field is inconsistent."""


class SignatureError(CryptoFormatError):
    """A signature is invalid or made by an unexpected key."""


class IntegrityError(CryptoFormatError):
    """A downloaded file does not match the hashes in its manifest."""
