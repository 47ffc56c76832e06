"""Pictures of practices made safe to show: judged by their header, resized, encoded again.

An upload is judged by its header before a pixel is decoded (``Image.open``
reads no more): a picture of more than ``MAX_PIXELS`` is refused there, so a
small file that declares an enormous canvas (a decompression bomb) costs
nothing. A JPEG much larger than needed is decoded at a reduced scale
(``draft``). The pixels are turned upright by their EXIF orientation, their
colours converted to sRGB from an embedded profile, then scaled to fit
``LARGE_SIDE`` and ``THUMBNAIL_SIDE`` and encoded again, as JPEG (PNG when
the picture has transparency) with no metadata at all: the encoder is given
none, so EXIF (GPS position, camera, owner), XMP, ICC profiles, comments and
text chunks of the upload are not in what is stored. Only the first frame of
an animation is kept.
"""

import io
import warnings
from dataclasses import dataclass
from typing import IO

from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from .errors import PracticeError

# The formats the upload check (common.validators.detect_type) calls images.
FORMATS = ("JPEG", "PNG", "GIF", "WEBP")
# The most pixels decoded for one upload: a 40 megapixel photo, about 160 MB
# decoded (as for the documents rewritten without metadata, common.metadata).
MAX_PIXELS = 40_000_000
# The longest side of the picture shown on the page, and of its small copy.
LARGE_SIDE = 1600
THUMBNAIL_SIDE = 480
JPEG_QUALITY = 85


@dataclass(frozen=True)
class Rendition:
    """One encoded copy of a picture: its bytes and size in pixels."""

    content: bytes
    width: int
    height: int


@dataclass(frozen=True)
class PreparedImage:
    """A picture ready to store: the large and small copies, both of one format."""

    large: Rendition
    thumbnail: Rendition
    extension: str
    content_type: str


def prepare_image(upload: IO[bytes]) -> PreparedImage:
    """Decode ``upload`` within bounds and return its large and small copies, without metadata.

    Raises PracticeError naming the problem: not a picture Pillow reads, too
    many pixels (judged from the header, before decoding), or damaged.
    """
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow warns past its own limit and refuses past twice that: both
            # are beyond ours, and refused with our message below.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload, formats=FORMATS) as image:
                _check_pixels(*image.size)
                picture, has_alpha = _decoded(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PracticeError(_too_many_pixels()) from None
    except UnidentifiedImageError:
        raise PracticeError(
            _("This file is not a picture that can be read (JPEG, PNG, GIF or WebP).")
        ) from None
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        raise PracticeError(
            _("This picture is damaged and cannot be read; save it again and retry.")
        ) from error
    finally:
        upload.seek(0)
    large = _fitted(picture, LARGE_SIDE)
    thumbnail = _fitted(large, THUMBNAIL_SIDE)
    image_format = "PNG" if has_alpha else "JPEG"
    return PreparedImage(
        large=_encoded(large, image_format),
        thumbnail=_encoded(thumbnail, image_format),
        extension="png" if has_alpha else "jpg",
        content_type="image/png" if has_alpha else "image/jpeg",
    )


def _too_many_pixels(width: int | None = None, height: int | None = None) -> str:
    limit = MAX_PIXELS // 1_000_000
    if width is None:
        return _("This picture has too many pixels; the limit is %(limit)s megapixels.") % {
            "limit": limit
        }
    return _(
        "This picture has too many pixels (%(width)s by %(height)s); the limit is "
        "%(limit)s megapixels. Make it smaller and try again."
    ) % {"width": width, "height": height, "limit": limit}


def _check_pixels(width: int, height: int) -> None:
    if width * height > MAX_PIXELS:
        raise PracticeError(_too_many_pixels(width, height))
    if width < 1 or height < 1:
        raise PracticeError(
            _("This picture is damaged and cannot be read; save it again and retry.")
        )


def _decoded(image: Image.Image) -> tuple[Image.Image, bool]:
    """Return the first frame decoded, upright, in sRGB, and whether it has transparency."""
    if image.format == "JPEG":
        # Decoded at 1/2, 1/4 or 1/8 scale when that still covers the large copy.
        image.draft(image.mode, (LARGE_SIDE, LARGE_SIDE))
    image.load()
    profile = image.info.get("icc_profile")
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    mode = "RGBA" if has_alpha else "RGB"
    upright = ImageOps.exif_transpose(image)
    if upright.mode == "P":
        upright = upright.convert(mode)
    return _in_srgb(upright, profile, mode), has_alpha


def _in_srgb(image: Image.Image, profile: bytes | None, mode: str) -> Image.Image:
    """Return ``image`` in ``mode``, its colours converted from ``profile`` to sRGB if it has one.

    The profile is not kept in what is stored (it can name its maker); a
    profile that cannot be read leaves the colours as they are.
    """
    if profile:
        try:
            return ImageCms.profileToProfile(
                image,
                ImageCms.ImageCmsProfile(io.BytesIO(profile)),
                ImageCms.createProfile("sRGB"),
                outputMode=mode,
            )
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            pass
    return image.convert(mode)


def _fitted(image: Image.Image, side: int) -> Image.Image:
    """Return ``image`` scaled down to fit a square of ``side`` pixels (never enlarged)."""
    width, height = image.size
    scale = side / max(width, height)
    if scale >= 1:
        return image.copy()
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def _encoded(image: Image.Image, image_format: str) -> Rendition:
    # What the image object carries of the upload (EXIF, XMP, comments) is
    # dropped; some encoders would otherwise write it again.
    image.info = {}
    output = io.BytesIO()
    if image_format == "JPEG":
        image.save(output, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    else:
        image.save(output, "PNG", optimize=True)
    return Rendition(output.getvalue(), *image.size)
