"""A throwaway varnishd running the shipped VCL (deploy/varnish/thaw.vcl), for the benchmark and the tests."""

import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

VCL = Path(settings.BASE_DIR) / "deploy" / "varnish" / "thaw.vcl"
SHIPPED_BACKEND = '.host = "127.0.0.1";\n    .port = "8000";'
HOST = "127.0.0.1"


def varnishd() -> str | None:
    """The varnishd binary (Debian package `varnish`; the VCL needs `varnish-modules` too), or None."""
    return shutil.which("varnishd") or shutil.which("/usr/sbin/varnishd")


def answers(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex((HOST, port)) == 0


@contextmanager
def running_varnish(backend_port: int, *, port: int = 0, memory: str = "64m") -> Iterator[str]:
    """Start varnishd on `port` (default: a free one) with the shipped VCL in front of 127.0.0.1:backend_port;
    yield its URL."""
    binary = varnishd()
    if binary is None:
        raise FileNotFoundError("varnishd is not installed (apt-get install -y varnish varnish-modules)")
    workdir = Path(tempfile.mkdtemp(prefix="thaw-varnish-"))
    vcl = workdir / "thaw.vcl"
    text = VCL.read_text(encoding="utf-8")
    if SHIPPED_BACKEND not in text:
        raise RuntimeError(f"{VCL} no longer names its backend as {SHIPPED_BACKEND!r}")
    vcl.write_text(text.replace(SHIPPED_BACKEND, f'.host = "{HOST}";\n    .port = "{backend_port}";'))
    if not port:
        with socket.socket() as probe:
            probe.bind((HOST, 0))
            port = probe.getsockname()[1]
    # Our own binary with arguments built here.
    process = subprocess.Popen(  # noqa: S603
        [binary, "-F", "-j", "none", "-n", str(workdir / "state"), "-a", f"{HOST}:{port}", "-f", str(vcl),
         "-s", f"malloc,{memory}", "-T", "none"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        for _ in range(150):
            if answers(port):
                break
            if process.poll() is not None:
                raise RuntimeError(f"varnishd did not start: {process.stderr.read().decode()[-500:]}")  # type: ignore[union-attr]
            time.sleep(0.1)
        else:
            raise RuntimeError("varnishd did not answer within 15 s")
        yield f"http://{HOST}:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)
