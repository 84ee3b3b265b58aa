"""Start, drive and stop the emulator from Python (tests, the demo, benchmarks)."""

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

import boto3
from botocore.config import Config

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SERVE = os.path.join(ROOT, "emulator", "serve")
REGION = "us-east-1"
DR_REGION = "us-west-2"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "restorekit", "AWS_SECRET_ACCESS_KEY": "restorekit-secret"}


class EmulatorError(RuntimeError):
    """The emulator did not start, or a control call failed."""


class Emulator:
    """One emulator process on a free loopback port."""

    def __init__(self, state_dir=None, job_seconds=0.0, log_path=None, spare=False):
        self.state_dir = state_dir
        self.job_seconds = job_seconds
        self.spare = spare  # a MariaDB server started ahead for the next DB instance (mariadb.MariaDBFleet)
        self.log_path = log_path or os.path.join(tempfile.gettempdir(), "restorekit-emulator-%d.log" % os.getpid())
        self.process = None
        self.port = None
        self._log = None

    @property
    def endpoint(self):
        return "http://127.0.0.1:%d" % self.port

    def start(self, timeout=180):
        cmd = [SERVE, "--port", "0", "--job-seconds", str(self.job_seconds)]
        if self.state_dir:
            cmd += ["--state-dir", self.state_dir]
        if self.spare:
            cmd.append("--spare")
        env = dict(os.environ, RESTOREKIT_PYTHON=sys.executable)
        self._log = open(self.log_path, "a", encoding="utf-8")  # pylint: disable=consider-using-with
        self.process = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=self._log, text=True, env=env)  # pylint: disable=consider-using-with
        found = {}

        def read():
            for line in self.process.stdout:
                self._log.write(line)
                self._log.flush()
                match = re.search(r"ready on http://127\.0\.0\.1:(\d+)", line)
                if match and "port" not in found:
                    found["port"] = int(match.group(1))

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        deadline = time.monotonic() + timeout
        while "port" not in found:
            if self.process.poll() is not None:
                raise EmulatorError("the emulator exited with %s; see %s" % (self.process.returncode, self.log_path))
            if time.monotonic() > deadline:
                self.stop()
                raise EmulatorError("the emulator did not become ready in %ss; see %s" % (timeout, self.log_path))
            time.sleep(0.05)
        self.port = found["port"]
        return self

    def stop(self, timeout=60):
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        if self._log:
            self._log.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # ------------------------------------------------------------------ control API
    def control(self, path, body=None, method=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.endpoint + "/_restorekit/" + path.lstrip("/"), data=data,
                                         method=method or ("POST" if body is not None else "GET"),
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as err:
            raise EmulatorError("control %s failed: %s" % (path, err.read().decode())) from None

    def wait_for_jobs(self, timeout=300):
        deadline = time.monotonic() + timeout
        while self.control("jobs/active")["active"]:
            if time.monotonic() > deadline:
                raise EmulatorError("jobs still active after %ss" % timeout)
            time.sleep(0.05)

    # ------------------------------------------------------------------ clients
    def env(self, region=REGION):
        """Environment for a subprocess (AWS CLI, ansible-playbook) that talks to this emulator."""
        out = dict(CREDENTIALS)
        out.update({"AWS_DEFAULT_REGION": region, "AWS_REGION": region, "AWS_ENDPOINT_URL": self.endpoint,
                    "RESTOREKIT_ENDPOINT_URL": self.endpoint})
        return out

    def client(self, service, region=REGION, credentials=None, **config):
        """A boto3 client of the emulator; CONFIG goes into botocore's Config (``retries`` replaces the default).
        CREDENTIALS (STS's Credentials, as AssumeRole answers them) call as another account: see ``assume``."""
        options = dict({"retries": {"max_attempts": 10, "mode": "standard"}}, **config)
        keys = {"aws_access_key_id": CREDENTIALS["AWS_ACCESS_KEY_ID"], "aws_secret_access_key": CREDENTIALS["AWS_SECRET_ACCESS_KEY"]}
        if credentials:
            keys = {"aws_access_key_id": credentials["AccessKeyId"], "aws_secret_access_key": credentials["SecretAccessKey"],
                    "aws_session_token": credentials["SessionToken"]}
        return boto3.client(service, region_name=region, endpoint_url=self.endpoint, config=Config(**options), **keys)

    def assume(self, account_id, role="OrganizationAccountAccessRole"):
        """Credentials of the role ROLE in ACCOUNT_ID, from STS AssumeRole: the emulator serves that account to them."""
        arn = "arn:aws:iam::%s:role/%s" % (account_id, role)
        return self.client("sts").assume_role(RoleArn=arn, RoleSessionName="restorekit")["Credentials"]
