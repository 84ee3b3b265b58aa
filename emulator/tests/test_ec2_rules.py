"""AWS Backup's EC2 rules the emulator keeps (docs/emulator-fidelity.md)."""

import base64
import json

from emulator.backup import ACCOUNT_ID
from emulator.testing import wait_restore


def test_user_data_is_not_part_of_an_ec2_backup(emulator, world):
    """"AWS Backup does not backup and restore user-data that is used while launching an Amazon EC2 instance" (AWS Backup
    developer guide, "Restoring an Amazon EC2 instance"): the point's restore metadata has none, and an instance restored
    without UserData in the request starts without any; user data given in the request is the instance's."""
    ec2, backup = emulator.client("ec2"), emulator.client("backup")
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    launched = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, InstanceType="t3.micro", SubnetId=world["subnet_ids"][0],
                                 UserData="#!/bin/sh\necho launched-with-secrets\n")["Instances"][0]["InstanceId"]
    arn = "arn:aws:ec2:us-east-1:%s:instance/%s" % (ACCOUNT_ID, launched)
    # A vault of its own: the seeded vault's newest EC2 point stays the app group's, which other tests restore.
    backup.create_backup_vault(BackupVaultName="ec2-user-data-vault")
    started = backup.start_backup_job(BackupVaultName="ec2-user-data-vault", ResourceArn=arn, IamRoleArn=world["backup_role_arn"])
    emulator.wait_for_jobs()
    point = started["RecoveryPointArn"]
    own = backup.get_recovery_point_restore_metadata(BackupVaultName="ec2-user-data-vault", RecoveryPointArn=point)["RestoreMetadata"]
    assert not any(key.lower() == "userdata" for key in own)
    plain = {"InstanceType": "t3.micro", "SubnetId": world["subnet_ids"][0], "SecurityGroupIds": json.dumps([world["app_security_group_id"]])}
    given = base64.b64encode(b"#!/bin/sh\necho from-the-request\n").decode()
    for metadata, expected in ((plain, None), (dict(plain, UserData=given), given)):
        job = wait_restore(backup, backup.start_restore_job(RecoveryPointArn=point, IamRoleArn=world["backup_role_arn"],
                                                            Metadata=metadata)["RestoreJobId"])
        assert job["Status"] == "COMPLETED", job.get("StatusMessage")
        restored = job["CreatedResourceArn"].rsplit("/", 1)[1]
        attribute = ec2.describe_instance_attribute(InstanceId=restored, Attribute="userData").get("UserData", {})
        assert attribute.get("Value") == expected
