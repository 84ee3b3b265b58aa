"""The local AWS emulator (emulator/README.md).

Packages only the emulator needs (emulator/requirements.txt) live in <venv>/emulator-packages, installed there by
`make venv`: put on the path here, before moto is imported (moto looks for awscrt when it is first imported), and only
in a process that imports the emulator."""

import os
import sys

PACKAGES = os.path.join(sys.prefix, "emulator-packages")
if os.path.isdir(PACKAGES) and PACKAGES not in sys.path:
    sys.path.append(PACKAGES)
