"""`ansible-galaxy collection build` makes a tarball that installs and loads, with collection content only."""

import os
import subprocess
import sys
import tarfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)


def run(args, env=None, **kwargs):
    env = dict(env or os.environ)
    env.pop("ANSIBLE_CONFIG", None)
    return subprocess.run(args, check=True, capture_output=True, text=True, env=env, **kwargs)


def test_built_tarball_installs_and_loads(tmp_path):
    run([os.path.join(BIN, "ansible-galaxy"), "collection", "build", "--force", "--output-path", str(tmp_path), ROOT], cwd=str(tmp_path))
    tarballs = [name for name in os.listdir(tmp_path) if name.endswith(".tar.gz")]
    assert tarballs == ["restorekit-aws-0.1.0.tar.gz"]
    with tarfile.open(tmp_path / tarballs[0]) as archive:
        names = archive.getnames()
    assert "meta/runtime.yml" in names and "galaxy.yml" not in names and "MANIFEST.json" in names
    assert not [n for n in names if n.startswith((".venv", "tools/", "bench/", ".ci", "reports/", "emulator"))]
    installed = tmp_path / "installed"
    # Galaxy is not reachable here; amazon.aws and community.aws come with the ansible package.
    # --force: a copy of the collection elsewhere on the configured paths (molecule installs one) must not make the
    # install a no-op; this test proves its own tarball.
    run([os.path.join(BIN, "ansible-galaxy"), "collection", "install", "--force", "--offline", "--no-deps", "-p", str(installed),
         str(tmp_path / tarballs[0])], cwd=str(tmp_path))
    listed = run([os.path.join(BIN, "ansible-galaxy"), "collection", "list", "restorekit.aws", "-p", str(installed)], cwd=str(tmp_path))
    assert "restorekit.aws" in listed.stdout and "0.1.0" in listed.stdout
    assert (installed / "ansible_collections" / "restorekit" / "aws" / "meta" / "runtime.yml").is_file()
    env = {"ANSIBLE_COLLECTIONS_PATH": str(installed), "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "true"}
    docs = run([os.path.join(BIN, "ansible-doc"), "-l", "restorekit.aws"], cwd=str(tmp_path), env=dict(os.environ, **env))
    modules = sorted(name[:-3] for name in os.listdir(os.path.join(ROOT, "plugins", "modules")) if name.endswith(".py"))
    for module in modules:
        assert "restorekit.aws.%s" % module in docs.stdout, "the installed collection must load module %s" % module
