"""Static files for the browser: Casebook's stylesheet under /static/css/, its page scripts
under /static/js/, its crypto modules under /static/js/crypto/ and the two libsodium files
(installed by `npm ci` from package-lock.json) under /static/vendor/.

Nothing is loaded from another origin: the browser client's crypto library is the one pinned in
package-lock.json, served by this app."""

from __future__ import annotations

from pathlib import Path

from litestar import get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import File

from casebook.config import REPO_ROOT

STATIC = Path(__file__).resolve().parent / "static"
STYLESHEETS = STATIC / "css"
PAGE_SCRIPTS = STATIC / "js"
CRYPTO_MODULES = PAGE_SCRIPTS / "crypto"
NODE_MODULES = REPO_ROOT / "node_modules"
# Classic scripts: the first defines `libsodium` (WebAssembly inside), the second wraps it as
# the global `sodium`. The ES module builds import the bare name "libsodium-sumo", which would
# need an inline import map, and so a weaker Content-Security-Policy.
LIBSODIUM = NODE_MODULES / "libsodium-sumo" / "dist" / "modules-sumo" / "libsodium-sumo.js"
LIBSODIUM_WRAPPERS = (
    NODE_MODULES / "libsodium-wrappers-sumo" / "dist" / "modules-sumo" / "libsodium-wrappers.js"
)
JAVASCRIPT = "text/javascript; charset=utf-8"
CSS = "text/css; charset=utf-8"


def _script(path: Path) -> File:
    return _static(path, JAVASCRIPT)


def _static(path: Path, media_type: str) -> File:
    return File(path, media_type=media_type, content_disposition_type="inline")


@get("/static/vendor/libsodium-sumo.js", include_in_schema=False)
async def libsodium() -> File:
    return _script(LIBSODIUM)


@get("/static/vendor/libsodium-wrappers-sumo.js", include_in_schema=False)
async def libsodium_wrappers() -> File:
    return _script(LIBSODIUM_WRAPPERS)


def _listed(directory: Path, name: str, pattern: str) -> Path:
    """The file `name` directly in `directory` if it matches `pattern`; 404 for any other."""
    if name not in {path.name for path in directory.glob(pattern)}:
        raise NotFoundException()
    return directory / name


def _module(directory: Path, name: str) -> File:
    return _script(_listed(directory, name, "*.js"))


@get("/static/css/{stylesheet_name:str}", include_in_schema=False)
async def stylesheet(stylesheet_name: FromPath[str]) -> File:
    """A stylesheet of Casebook's pages (casebook/web/static/css/)."""
    return _static(_listed(STYLESHEETS, stylesheet_name, "*.css"), CSS)


@get("/static/js/crypto/{module:str}", include_in_schema=False)
async def crypto_module(module: FromPath[str]) -> File:
    """One ES module of the browser crypto library (casebook/web/static/js/crypto/)."""
    return _module(CRYPTO_MODULES, module)


@get("/static/js/{script:str}", include_in_schema=False)
async def page_script(script: FromPath[str]) -> File:
    """One ES module of Casebook's pages (casebook/web/static/js/)."""
    return _module(PAGE_SCRIPTS, script)


ROUTES = [libsodium, libsodium_wrappers, crypto_module, page_script, stylesheet]
