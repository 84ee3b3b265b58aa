"""Seed the emulator with a world shaped like the runbook's: one project, one environment, days of backups.

Everything is created through the AWS API (boto3 against the emulator's endpoint), as Terraform and the tenant
provisioning Lambda would; only time is moved through the control API, so that recovery points are days old.

    python -m emulator.seed --endpoint http://127.0.0.1:PORT [--days 8] [--out world.json]
"""

import argparse
import datetime
import json
import sys
import time

import pymysql

from .client import DR_REGION, REGION, Emulator

PROJECT = "multi-tenant-app"
ENVIRONMENT = "prod"
PREFIX = "%s-%s" % (PROJECT, ENVIRONMENT)
VAULT = "%s-backup-vault" % PREFIX
DR_VAULT = "%s-backup-vault-dr" % PREFIX
ROLE = "%s-backup-role" % PREFIX
DB_IDENTIFIER = "%s-db" % PREFIX
DB_SUBNET_GROUP = "%s-db-subnet-group" % PREFIX
DB_NAME = "app"
DB_USER = "admin"
# The emulated production database's master password: a fixture of the emulated world, never a real secret.
DB_PASSWORD = "emulated-Prod-db-pw-1"
TENANTS = ("1", "12", "100")
ASG = "%s-app-asg" % PREFIX
LAUNCH_TEMPLATE = "%s-app-lt" % PREFIX
MANAGED_POLICIES = (
    "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
    "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
    "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup",
    "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Restore",
)
# Object keys a restore must carry exactly: spaces, plus, percent, unicode, deep prefixes.
AWKWARD_KEYS = ("docs/read me.txt", "docs/a+b=c.txt", "docs/100% done.txt", "docs/naïve café ☕.txt",
                "deep/a/b/c/d/e/f/leaf.json")

SCHEMA = """
CREATE TABLE plans (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, monthly_cents INT NOT NULL) ENGINE=InnoDB;
CREATE TABLE tenants (id VARCHAR(16) PRIMARY KEY, name VARCHAR(80) NOT NULL, plan_id INT NOT NULL,
    created_at DATETIME NOT NULL, FOREIGN KEY (plan_id) REFERENCES plans(id)) ENGINE=InnoDB;
CREATE TABLE orders (id BIGINT AUTO_INCREMENT PRIMARY KEY, tenant_id VARCHAR(16) NOT NULL, amount_cents INT NOT NULL,
    status VARCHAR(16) NOT NULL, created_at DATETIME(3) NOT NULL, INDEX idx_orders_tenant (tenant_id),
    INDEX idx_orders_created (created_at)) ENGINE=InnoDB;
CREATE TABLE audit_log (id BIGINT AUTO_INCREMENT PRIMARY KEY, actor VARCHAR(40) NOT NULL, action VARCHAR(80) NOT NULL,
    created_at DATETIME(3) NOT NULL) ENGINE=InnoDB;
"""


def iso(when):
    return when.astimezone(datetime.timezone.utc).isoformat()


class Seeder:
    """Builds the world step by step; `world` collects the names and ARNs tests and playbooks need."""

    def __init__(self, emulator):
        self.emulator = emulator
        self.world = {"endpoint": emulator.endpoint, "region": REGION, "dr_region": DR_REGION, "project_name": PROJECT,
                      "environment": ENVIRONMENT, "vault": VAULT, "dr_vault": DR_VAULT, "tenants": list(TENANTS)}

    def c(self, service, region=REGION, **config):
        return self.emulator.client(service, region=region, **config)

    def tenant_s3(self):
        """The tenants' application: an SDK from before December 2024, which sends no checksum, so S3 stores its default
        CRC64NVME with each object (emulator/s3_rules.py), the checksum a restored object gets too."""
        return self.c("s3", request_checksum_calculation="when_required")

    # ------------------------------------------------------------------ platform (what Terraform creates)
    def platform(self):
        iam = self.c("iam")
        kms = self.c("kms")
        key = kms.create_key(Description="%s security key" % PREFIX, KeyUsage="ENCRYPT_DECRYPT")["KeyMetadata"]
        kms.create_alias(AliasName="alias/%s-security" % PREFIX, TargetKeyId=key["KeyId"])
        dr_key = self.c("kms", DR_REGION).create_key(Description="%s security key (DR)" % PREFIX)["KeyMetadata"]
        self.world["kms_key_arn"] = key["Arn"]
        self.world["dr_kms_key_arn"] = dr_key["Arn"]
        trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "backup.amazonaws.com"},
                                                         "Action": "sts:AssumeRole"}]}
        role = iam.create_role(RoleName=ROLE, AssumeRolePolicyDocument=json.dumps(trust))["Role"]
        for policy in MANAGED_POLICIES:
            iam.attach_role_policy(RoleName=ROLE, PolicyArn=policy)
        self.world["backup_role_arn"] = role["Arn"]
        backup = self.c("backup")
        backup.create_backup_vault(BackupVaultName=VAULT, EncryptionKeyArn=key["Arn"])
        dr_vault = self.c("backup", DR_REGION).create_backup_vault(BackupVaultName=DR_VAULT, EncryptionKeyArn=dr_key["Arn"])
        self.world["dr_vault_arn"] = dr_vault["BackupVaultArn"]
        plan = backup.create_backup_plan(BackupPlan={
            "BackupPlanName": "%s-backup-plan" % PREFIX,
            "Rules": [
                {"RuleName": "daily", "TargetBackupVaultName": VAULT, "ScheduleExpression": "cron(0 5 * * ? *)",
                 "Lifecycle": {"DeleteAfterDays": 30},
                 "CopyActions": [{"DestinationBackupVaultArn": dr_vault["BackupVaultArn"], "Lifecycle": {"DeleteAfterDays": 90}}]},
                {"RuleName": "weekly", "TargetBackupVaultName": VAULT, "ScheduleExpression": "cron(0 6 ? * SUN *)",
                 "Lifecycle": {"MoveToColdStorageAfterDays": 30, "DeleteAfterDays": 365}},
            ]})
        self.world["backup_plan_id"] = plan["BackupPlanId"]
        selection = backup.create_backup_selection(BackupPlanId=plan["BackupPlanId"], BackupSelection={
            "SelectionName": "%s-backup-selection" % PREFIX, "IamRoleArn": role["Arn"],
            "ListOfTags": [{"ConditionType": "STRINGEQUALS", "ConditionKey": "Backup", "ConditionValue": "true"}]})
        self.world["backup_selection_id"] = selection["SelectionId"]

    def network(self):
        ec2 = self.c("ec2")
        vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
        subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock="10.20.%d.0/24" % i, AvailabilityZone="us-east-1%s" % az)["Subnet"]["SubnetId"]
                   for i, az in ((1, "a"), (2, "b"))]
        db_sg = ec2.create_security_group(GroupName="%s-db-sg" % PREFIX, Description="database", VpcId=vpc)["GroupId"]
        app_sg = ec2.create_security_group(GroupName="%s-app-sg" % PREFIX, Description="app servers", VpcId=vpc)["GroupId"]
        self.c("rds").create_db_subnet_group(DBSubnetGroupName=DB_SUBNET_GROUP, DBSubnetGroupDescription="database subnets",
                                             SubnetIds=subnets)
        self.world.update({"vpc_id": vpc, "subnet_ids": subnets, "db_security_group_id": db_sg, "app_security_group_id": app_sg,
                           "db_subnet_group": DB_SUBNET_GROUP})
        # The DR region's network, for restores from the copy vault.
        dr = self.c("ec2", DR_REGION)
        dr_vpc = dr.create_vpc(CidrBlock="10.30.0.0/16")["Vpc"]["VpcId"]
        dr_subnets = [dr.create_subnet(VpcId=dr_vpc, CidrBlock="10.30.%d.0/24" % i, AvailabilityZone="us-west-2%s" % az)["Subnet"]["SubnetId"]
                      for i, az in ((1, "a"), (2, "b"))]
        dr_sg = dr.create_security_group(GroupName="%s-db-sg" % PREFIX, Description="database", VpcId=dr_vpc)["GroupId"]
        self.c("rds", DR_REGION).create_db_subnet_group(DBSubnetGroupName=DB_SUBNET_GROUP, DBSubnetGroupDescription="database subnets",
                                                        SubnetIds=dr_subnets)
        self.world.update({"dr_subnet_ids": dr_subnets, "dr_db_security_group_id": dr_sg})

    # ------------------------------------------------------------------ resources
    def database(self):
        rds = self.c("rds")
        rds.create_db_instance(
            DBInstanceIdentifier=DB_IDENTIFIER, DBInstanceClass="db.t3.medium", Engine="mysql", EngineVersion="8.0.35",
            AllocatedStorage=20, MasterUsername=DB_USER, MasterUserPassword=DB_PASSWORD, DBName=DB_NAME, MultiAZ=True,
            DBSubnetGroupName=DB_SUBNET_GROUP, VpcSecurityGroupIds=[self.world["db_security_group_id"]],
            StorageEncrypted=True, KmsKeyId=self.world["kms_key_arn"], BackupRetentionPeriod=7,
            PreferredBackupWindow="03:00-04:00", DeletionProtection=True, CopyTagsToSnapshot=True,
            Tags=[{"Key": "Backup", "Value": "true"}, {"Key": "Project", "Value": PROJECT}])
        instance = rds.describe_db_instances(DBInstanceIdentifier=DB_IDENTIFIER)["DBInstances"][0]
        self.world["db"] = {"identifier": DB_IDENTIFIER, "arn": instance["DBInstanceArn"], "name": DB_NAME, "user": DB_USER,
                            "host": instance["Endpoint"]["Address"], "port": instance["Endpoint"]["Port"]}
        with self.connect() as conn, conn.cursor() as cur:
            for statement in filter(str.strip, SCHEMA.split(";")):
                cur.execute(statement)
            cur.executemany("INSERT INTO plans VALUES (%s, %s, %s)", [(1, "starter", 900), (2, "team", 4900), (3, "enterprise", 19900)])
            cur.executemany("INSERT INTO tenants VALUES (%s, %s, %s, %s)",
                            [(t, "Tenant %s" % t, 1 + i % 3, "2026-01-0%d 00:00:00" % (1 + i)) for i, t in enumerate(TENANTS)])
            conn.commit()

    def connect(self):
        db = self.world["db"]
        return pymysql.connect(host=db["host"], port=db["port"], user=DB_USER, password=DB_PASSWORD, database=DB_NAME,
                               autocommit=False, connect_timeout=10, ssl_disabled=True)  # see MariaDBServer._admin_connect

    def buckets(self):
        s3, tenant_s3 = self.c("s3"), self.tenant_s3()
        self.world["buckets"] = {}
        for tenant in TENANTS:
            name = "%s-tenant-%s" % (PREFIX, tenant)
            s3.create_bucket(Bucket=name)
            s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
            s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": [{
                "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": self.world["kms_key_arn"]}}]})
            s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [{"Key": "Backup", "Value": "true"}, {"Key": "Tenant", "Value": tenant}]})
            s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration={
                "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
            for key in AWKWARD_KEYS:
                tenant_s3.put_object(Bucket=name, Key=key, Body=("%s of tenant %s\n" % (key, tenant)).encode(), ContentType="text/plain",
                                     Metadata={"tenant": tenant, "source": "seed"}, Tagging="tenant=%s&class=doc" % tenant)
            self.world["buckets"][tenant] = name

    def app_group(self):
        ec2 = self.c("ec2")
        image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
        template = ec2.create_launch_template(LaunchTemplateName=LAUNCH_TEMPLATE, LaunchTemplateData={
            "ImageId": image, "InstanceType": "t3.small", "SecurityGroupIds": [self.world["app_security_group_id"]],
            "MetadataOptions": {"HttpTokens": "required", "HttpEndpoint": "enabled"},
            "TagSpecifications": [{"ResourceType": "instance", "Tags": [{"Key": "Backup", "Value": "true"}]}]})
        self.c("autoscaling").create_auto_scaling_group(
            AutoScalingGroupName=ASG, MinSize=1, MaxSize=2, DesiredCapacity=1,
            LaunchTemplate={"LaunchTemplateId": template["LaunchTemplate"]["LaunchTemplateId"], "Version": "$Latest"},
            VPCZoneIdentifier=",".join(self.world["subnet_ids"]),
            Tags=[{"Key": "Backup", "Value": "true", "PropagateAtLaunch": True},
                  {"Key": "Name", "Value": "%s-app" % PREFIX, "PropagateAtLaunch": True}])
        group = self.c("autoscaling").describe_auto_scaling_groups(AutoScalingGroupNames=[ASG])["AutoScalingGroups"][0]
        instance_id = group["Instances"][0]["InstanceId"]
        tags = ec2.describe_tags(Filters=[{"Name": "resource-id", "Values": [instance_id]}])["Tags"]
        # The group's launch template requires IMDSv2; moto's autoscaling does not carry that onto the instance.
        ec2.modify_instance_metadata_options(InstanceId=instance_id, HttpTokens="required", HttpEndpoint="enabled")
        if not any(t["Key"] == "Backup" for t in tags):
            ec2.create_tags(Resources=[instance_id], Tags=[{"Key": "Backup", "Value": "true"}, {"Key": "Name", "Value": "%s-app" % PREFIX}])
        self.world["app"] = {"asg": ASG, "launch_template": LAUNCH_TEMPLATE, "base_image": image, "instance_id": instance_id,
                             "instance_arn": "arn:aws:ec2:%s:123456789012:instance/%s" % (REGION, instance_id)}

    # ------------------------------------------------------------------ history
    def day_of_business(self, when, day):
        """Writes a day brings: orders and audit rows stamped with the emulated time, and changed tenant files."""
        with self.connect() as conn, conn.cursor() as cur:
            rows = [(TENANTS[i % len(TENANTS)], 100 + day * 10 + i, "paid", (when - datetime.timedelta(minutes=60 - i)).replace(tzinfo=None))
                    for i in range(40)]
            cur.executemany("INSERT INTO orders (tenant_id, amount_cents, status, created_at) VALUES (%s, %s, %s, %s)", rows)
            cur.execute("INSERT INTO audit_log (actor, action, created_at) VALUES (%s, %s, %s)",
                        ("seed", "day %d closed" % day, when.replace(tzinfo=None)))
            conn.commit()
        s3 = self.tenant_s3()
        for tenant, bucket in self.world["buckets"].items():
            s3.put_object(Bucket=bucket, Key="reports/day-%02d.csv" % day, Body=("day,%d\ntenant,%s\n" % (day, tenant)).encode(),
                          ContentType="text/csv", Metadata={"day": str(day)}, Tagging="kind=report")

    @staticmethod
    def first_morning(days):
        """05:00 UTC, DAYS days ago: the history's first backup."""
        today = datetime.datetime.now(tz=datetime.timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
        return today - datetime.timedelta(days=days) + datetime.timedelta(hours=5)

    def history(self, days):
        """`days` days of the plan's daily rule at 05:00 UTC, the weekly rule on Sundays at 06:00, copies to the DR vault."""
        today = self.first_morning(days) + datetime.timedelta(days=days) - datetime.timedelta(hours=5)
        for back in range(days, 0, -1):
            day = days - back + 1
            morning = today - datetime.timedelta(days=back) + datetime.timedelta(hours=5)
            self.emulator.control("clock", {"now": iso(morning - datetime.timedelta(minutes=5))})
            self.day_of_business(morning - datetime.timedelta(minutes=5), day)
            self.emulator.control("clock", {"now": iso(morning)})
            self.emulator.control("backup-plans/run", {"region": REGION, "backup_plan_id": self.world["backup_plan_id"], "rule_name": "daily"})
            self.emulator.wait_for_jobs()
            if morning.weekday() == 6:
                self.emulator.control("clock", {"now": iso(morning + datetime.timedelta(hours=1))})
                self.emulator.control("backup-plans/run", {"region": REGION, "backup_plan_id": self.world["backup_plan_id"], "rule_name": "weekly"})
                self.emulator.wait_for_jobs()
        # Business went on after the last backup: these rows are in production but in no recovery point.
        self.emulator.control("clock", {"now": iso(datetime.datetime.now(tz=datetime.timezone.utc))})
        self.day_of_business(datetime.datetime.now(tz=datetime.timezone.utc), days + 1)
        self.emulator.control("clock", {"advance_seconds": 0})
        points = self.c("backup").get_paginator("list_recovery_points_by_backup_vault").paginate(BackupVaultName=VAULT)
        self.world["recovery_points"] = sum(len(page["RecoveryPoints"]) for page in points)

    def run(self, days):
        # The world is built an hour before its first backup, on the emulator's one clock: S3 objects, instances and
        # groups are dated then, as AWS would date them, so an object nobody changed is older than every point.
        self.emulator.control("clock", {"now": iso(self.first_morning(days) - datetime.timedelta(hours=1))})
        self.platform()
        self.network()
        self.database()
        self.buckets()
        self.app_group()
        self.history(days)
        return self.world


class _Attached:
    """An already running emulator, addressed by its endpoint."""

    def __init__(self, endpoint):
        self.endpoint = endpoint
        self._inner = Emulator()
        self._inner.port = int(endpoint.rsplit(":", 1)[1].split("/")[0])

    def control(self, *args, **kwargs):
        return self._inner.control(*args, **kwargs)

    def wait_for_jobs(self, timeout=300):
        return self._inner.wait_for_jobs(timeout)

    def client(self, service, region=REGION, **config):
        return self._inner.client(service, region=region, **config)


def seed(emulator, days=8):
    """Seed a running emulator (an `Emulator` or anything with `control`, `client`, `wait_for_jobs`, `endpoint`)."""
    started = time.monotonic()
    world = Seeder(emulator).run(days)
    world["seed_seconds"] = round(time.monotonic() - started, 1)
    return world


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--days", type=int, default=8)
    parser.add_argument("--out", help="write the world's description (names, ARNs) here as JSON")
    args = parser.parse_args(argv)
    world = seed(_Attached(args.endpoint), args.days)
    text = json.dumps(world, indent=2, sort_keys=True)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as handle:
            handle.write(text + "\n")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
