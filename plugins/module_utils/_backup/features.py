# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What AWS Backup does per resource type, as AWS documents it: the facts the collection's reports rely on.

Cold storage: AWS Backup's developer guide, "Feature availability by resource"
(docs.aws.amazon.com/aws-backup/latest/devguide/backup-feature-availability.html#features-by-resource), column
"Lifecycle to cold storage": Amazon EBS, Amazon EFS, Amazon DynamoDB (with advanced DynamoDB backup), Amazon
Timestream, SAP HANA on Amazon EC2 and VMware virtual machines move to cold storage; Amazon RDS, Amazon Aurora,
Amazon EC2 and Amazon S3 do not: a plan rule's ``MoveToColdStorageAfterDays`` has no effect on their recovery points,
which stay in warm storage until deleted. A type the table does not list is taken as not moving to cold storage.
"""

from __future__ import annotations

COLD_STORAGE = {
    "EBS": True, "EFS": True, "DynamoDB": True, "Timestream": True, "SAP HANA on Amazon EC2": True, "VirtualMachine": True,
    "RDS": False, "Aurora": False, "EC2": False, "S3": False,
}
COLD_STORAGE_PAGE = "AWS Backup developer guide, Feature availability by resource (Lifecycle to cold storage)"


def moves_to_cold_storage(resource_type):
    """Whether AWS Backup moves recovery points of RESOURCE_TYPE to cold storage (an unlisted type: no)."""
    return COLD_STORAGE.get(resource_type, False)
