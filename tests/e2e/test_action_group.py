# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One `module_defaults: group/restorekit.aws.aws` entry reaches every module a restore play uses, against the
seeded emulator with no endpoint or region in the environment.

amazon.aws and community.aws leave a few of their own modules out of their `aws` groups
(amazon.aws.backup_restore_job_info, community.aws.ec2_carrier_gateway and _info); our group names them, so a play
that sets endpoint_url through it never sends them to the default AWS endpoint (tests/unit/test_collection_metadata.py
keeps the list complete against the installed collections)."""

import uuid

from emulator.client import REGION
from emulator.testing import newest_completed, wait_restore
from tests.e2e.helpers import run_playbook

PROJECT = {"project_name": "multi-tenant-app", "environment": "prod"}
NO_ENDPOINT_IN_ENV = ("AWS_ENDPOINT_URL", "RESTOREKIT_ENDPOINT_URL", "AWS_REGION", "AWS_DEFAULT_REGION")


def test_group_reaches_modules_their_own_groups_leave_out(emulator, world, tmp_path):
    """A restore job listed with amazon.aws.backup_restore_job_info, a carrier gateway made and listed with
    community.aws's modules, our recovery_point_info and amazon.aws.backup_vault_info (in amazon.aws's own group):
    all in the emulator, through the one group."""
    backup = emulator.client("backup")
    tenant_arn = "arn:aws:s3:::%s" % world["buckets"]["1"]
    point = newest_completed(backup, world["vault"], tenant_arn)
    job_id = backup.start_restore_job(RecoveryPointArn=point["RecoveryPointArn"], IamRoleArn=world["backup_role_arn"], Metadata={
        "DestinationBucketName": "group-%s" % uuid.uuid4().hex[:8], "NewBucket": "true"})["RestoreJobId"]
    assert wait_restore(backup, job_id)["Status"] == "COMPLETED"
    tag = {"restorekit-test": "action-group-%s" % uuid.uuid4().hex[:8]}

    tasks = [
        {"name": "The restore job, by id", "amazon.aws.backup_restore_job_info": {"restore_job_id": job_id},
         "register": "job", "ignore_errors": True},
        {"name": "Completed restore jobs", "amazon.aws.backup_restore_job_info": {"status": "COMPLETED"},
         "register": "jobs", "ignore_errors": True},
        {"name": "Ours", "restorekit.aws.recovery_point_info": dict(PROJECT, tenant_id="1", select="latest"),
         "register": "ours", "ignore_errors": True},
        {"name": "A module amazon.aws's own group holds", "amazon.aws.backup_vault_info": {"backup_vault_names": [world["vault"]]},
         "register": "vaults", "ignore_errors": True},
        {"name": "A carrier gateway in the world's VPC", "community.aws.ec2_carrier_gateway":
            {"vpc_id": world["vpc_id"], "tags": tag, "state": "present"}, "register": "gateway", "ignore_errors": True},
        {"name": "Carrier gateways of the VPC", "community.aws.ec2_carrier_gateway_info": {"filters": {"vpc-id": world["vpc_id"]}},
         "register": "gateways", "ignore_errors": True},
        {"name": "No carrier gateway left behind", "community.aws.ec2_carrier_gateway":
            {"vpc_id": world["vpc_id"], "carrier_gateway_id": "{{ gateway.carrier_gateway_id | default(omit) }}", "state": "absent"},
         "register": "removed", "ignore_errors": True, "when": "gateway.carrier_gateway_id is defined"},
    ]
    out = run_playbook(emulator, tmp_path, tasks, ["job", "jobs", "ours", "vaults", "gateway", "gateways", "removed"],
                       module_defaults={"group/restorekit.aws.aws": {"endpoint_url": emulator.endpoint, "region": REGION}},
                       drop_env=NO_ENDPOINT_IN_ENV)

    assert not out["job"].get("failed"), out["job"]
    assert [(j["restore_job_id"], j["status"], j["recovery_point_arn"]) for j in out["job"]["restore_jobs"]] == \
        [(job_id, "COMPLETED", point["RecoveryPointArn"])]
    assert not out["jobs"].get("failed"), out["jobs"]
    listed = set(j["RestoreJobId"] for page in backup.get_paginator("list_restore_jobs").paginate(ByStatus="COMPLETED")
                 for j in page["RestoreJobs"])
    assert job_id in listed
    assert set(j["restore_job_id"] for j in out["jobs"]["restore_jobs"]) == listed

    assert not out["ours"].get("failed"), out["ours"]
    assert out["ours"]["recovery_point"]["recovery_point_arn"] == point["RecoveryPointArn"]
    assert out["ours"]["recovery_point"]["resource_arn"] == tenant_arn
    assert not out["vaults"].get("failed"), out["vaults"]
    assert [v["backup_vault_name"] for v in out["vaults"]["backup_vaults"]] == [world["vault"]]

    assert not out["gateway"].get("failed"), out["gateway"]
    created = out["gateway"]["carrier_gateway_id"]
    assert not out["gateways"].get("failed"), out["gateways"]
    assert created in [g["carrier_gateway_id"] for g in out["gateways"]["carrier_gateways"]]
    assert not out["removed"].get("failed"), out["removed"]
    ec2 = emulator.client("ec2")
    left = ec2.describe_carrier_gateways(Filters=[{"Name": "vpc-id", "Values": [world["vpc_id"]]}])["CarrierGateways"]
    assert created not in [g["CarrierGatewayId"] for g in left if g.get("State") != "deleted"]
