# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private MySQL/MariaDB helpers of restorekit.aws (integrity checks of restored databases); not a public API."""
