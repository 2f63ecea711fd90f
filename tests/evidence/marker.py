"""A marker photo: a JPEG whose every byte is known to the test, with a distinctive file name and
an EXIF GPS position, the kind of file that must never be readable on the server."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from PIL import ExifTags, Image

SIDE = 256  # random pixels compress badly: about 150 KB of JPEG, a few secretstream chunks
LATITUDE = (47.0, 36.0, 22.5)  # degrees, minutes, seconds: Seattle
LONGITUDE = (122.0, 19.0, 55.25)


def marker_photo(directory: Path) -> Path:
    name = f"marker-{uuid.uuid4().hex[:12]}-raid-on-5th-avenue.jpg"
    image = Image.frombytes("RGB", (SIDE, SIDE), os.urandom(SIDE * SIDE * 3))
    exif = image.getexif()
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = LATITUDE
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = LONGITUDE
    path = directory / name
    image.save(path, format="JPEG", quality=95, exif=exif)
    return path
