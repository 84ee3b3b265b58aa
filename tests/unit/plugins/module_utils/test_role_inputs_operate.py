"""The input rules of the operate roles and playbooks (ec2_restore, rds_swap and rds_restore_in_place.yml, preflight,
restore_report, backup_alerts), without Ansible: each class of bad value that applies to a variable is refused, naming it
and its value; passwords are never echoed."""

from __future__ import annotations

import pytest

from tests.unit.plugins.module_utils.test_role_inputs import KEY, run

FUTURE = "2999-01-01T00:00:00Z"
SG = "sg-0123456789abcdef0"
SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:app/db-AbCdEf"
RESTORE_JOB = {"ec2_restore_method": "restore_job", "ec2_restore_group_name": "", "ec2_restore_instance_name": "multi-tenant-app-prod-app"}

BAD = [
    # (role, {variable: bad value, ...}, what the message must say)
    # ------------------------------------------------------------------------------------------ ec2_restore
    ("ec2_restore", {"ec2_restore_method": "rebuild"}, "ec2_restore_method='rebuild': must be one of relaunch, restore_job"),
    ("ec2_restore", {"ec2_restore_group_name": ""}, "ec2_restore_group_name='': is empty, but ec2_restore_method=relaunch"),
    ("ec2_restore", {"ec2_restore_group_name": "app asg"}, "ec2_restore_group_name='app asg': not an autoscaling group name"),
    ("ec2_restore", {"ec2_restore_group_name": "app:asg"}, "ec2_restore_group_name='app:asg'"),
    ("ec2_restore", {"ec2_restore_group_name": "app-\u00e9"}, "ec2_restore_group_name='app-\u00e9'"),
    ("ec2_restore", {"ec2_restore_group_name": "a" * 256}, "ec2_restore_group_name='aaaa"),
    ("ec2_restore", {"ec2_restore_group_name": 5}, "ec2_restore_group_name=5: must be a string"),
    ("ec2_restore", {"ec2_restore_instance_id": "i-123"}, "ec2_restore_instance_id='i-123': not an EC2 instance id"),
    ("ec2_restore", {"ec2_restore_instance_id": "I-0123456789ABCDEF0"}, "ec2_restore_instance_id='I-0123456789ABCDEF0'"),
    ("ec2_restore", {"ec2_restore_instance_id": SG}, "ec2_restore_instance_id='%s'" % SG),
    ("ec2_restore", {"ec2_restore_instance_name": "n" * 257}, "ec2_restore_instance_name='nnn"),
    ("ec2_restore", {"ec2_restore_instance_name": "app", "ec2_restore_instance_id": "i-0123456789abcdef0"},
     "ec2_restore_instance_id='i-0123456789abcdef0' and ec2_restore_instance_name='app': name the instance one way"),
    ("ec2_restore", {"ec2_restore_image_id": "ami-xyz"}, "ec2_restore_image_id='ami-xyz': not an AMI id"),
    ("ec2_restore", {"ec2_restore_image_id": "0123456789abcdef0"}, "ec2_restore_image_id='0123456789abcdef0'"),
    ("ec2_restore", {"ec2_restore_target_time": "yesterday"}, "ec2_restore_target_time='yesterday': is not a time"),
    ("ec2_restore", {"ec2_restore_target_time": FUTURE}, "ec2_restore_target_time='%s': is in the future" % FUTURE),
    ("ec2_restore", {"ec2_restore_target_time": "2026-11-24T10:00:00"}, "ec2_restore_target_time='2026-11-24T10:00:00': has no UTC offset"),
    ("ec2_restore", {"ec2_restore_instance_type": "t3small"}, "ec2_restore_instance_type='t3small': not an EC2 instance type"),
    ("ec2_restore", {"ec2_restore_instance_type": "T3.micro"}, "ec2_restore_instance_type='T3.micro'"),
    ("ec2_restore", {"ec2_restore_user_data_secrets": [{"name": "db", "secret_id": "app/db"}]},
     "ec2_restore_user_data_secrets=[{'name': 'db', 'secret_id': 'app/db'}] and ec2_restore_user_data_template='': "
     "ec2_restore_user_data_secrets is only read into a user data template"),
    ("ec2_restore", {"ec2_restore_user_data_vars": {"mode": "multi"}}, "ec2_restore_user_data_vars={'mode': 'multi'} and"),
    ("ec2_restore", {"ec2_restore_user_data_template": "user_data.j2",
                     "ec2_restore_user_data_secrets": [{"name": "db", "secret_id": "app/db", "ssm_parameter": "/app/db"}]},
     "ec2_restore_user_data_secrets[0]={'name': 'db', 'secret_id': 'app/db', 'ssm_parameter': '/app/db'}: needs exactly one of"),
    ("ec2_restore", {"ec2_restore_user_data_template": "user_data.j2", "ec2_restore_user_data_secrets": [{"name": "db"}]},
     "ec2_restore_user_data_secrets[0]={'name': 'db'}: needs exactly one of ssm_parameter or secret_id"),
    ("ec2_restore", {"ec2_restore_user_data_template": "user_data.j2", "ec2_restore_user_data_secrets": [{"name": "", "secret_id": "a"}]},
     "ec2_restore_user_data_secrets[0].name='': is empty"),
    ("ec2_restore", {"ec2_restore_user_data_template": "user_data.j2",
                     "ec2_restore_user_data_secrets": [{"name": "db", "secret_id": "a"}, {"name": "db", "ssm_parameter": "/b"}]},
     "names 'db' twice"),
    ("ec2_restore", {"ec2_restore_user_data_template": "user_data.j2",
                     "ec2_restore_user_data_secrets": [{"name": "db", "secret_id": "arn:aws:sqs:us-east-1:123456789012:q"}]},
     "ec2_restore_user_data_secrets[0].secret_id='arn:aws:sqs:us-east-1:123456789012:q'"),
    ("ec2_restore", {"ec2_restore_user_data_template": "user_data.j2",
                     "ec2_restore_user_data_secrets": [{"name": "db", "secret_id": SECRET_ARN.replace("us-east-1", "eu-west-1")}]},
     "an ARN of region eu-west-1, but this runs in us-east-1"),
    ("ec2_restore", {"ec2_restore_user_data_template": "user_data.j2",
                     "ec2_restore_user_data_secrets": [{"name": "url", "ssm_parameter": "/app/api url"}]},
     "ec2_restore_user_data_secrets[0].ssm_parameter='/app/api url': not an SSM parameter name"),
    ("ec2_restore", {"ec2_restore_min_healthy_percentage": 101}, "ec2_restore_min_healthy_percentage=101: must be between 0 and 100"),
    ("ec2_restore", {"ec2_restore_min_healthy_percentage": "-1"}, "ec2_restore_min_healthy_percentage='-1'"),
    ("ec2_restore", {"ec2_restore_min_healthy_percentage": "ninety"}, "ec2_restore_min_healthy_percentage='ninety': must be a whole number"),
    ("ec2_restore", {"ec2_restore_instance_warmup": -1}, "ec2_restore_instance_warmup=-1"),
    ("ec2_restore", {"ec2_restore_instance_warmup": 86401}, "ec2_restore_instance_warmup=86401: must be between 0 and 86400"),
    ("ec2_restore", {"ec2_restore_wait_timeout": 0}, "ec2_restore_wait_timeout=0"),
    ("ec2_restore", {"ec2_restore_poll_interval": "0"}, "ec2_restore_poll_interval='0'"),
    ("ec2_restore", {"ec2_restore_rollback_to_version": "0"}, "ec2_restore_rollback_to_version='0': must be at least 1"),
    ("ec2_restore", {"ec2_restore_rollback_to_version": "v2"}, "ec2_restore_rollback_to_version='v2': must be a whole number"),
    ("ec2_restore", dict(RESTORE_JOB, ec2_restore_rollback_to_version="3"),
     "ec2_restore_rollback_to_version=3 and ec2_restore_method='restore_job'"),
    ("ec2_restore", {"ec2_restore_rollback_to_version": "3", "ec2_restore_image_id": "ami-0123456789abcdef0"},
     "ec2_restore_rollback_to_version=3 and ec2_restore_image_id='ami-0123456789abcdef0': a rollback selects no recovery point"),
    ("ec2_restore", {"ec2_restore_rollback_to_version": "3", "ec2_restore_target_time": "-1d"},
     "ec2_restore_target_time='-1d': a rollback"),
    ("ec2_restore", {"ec2_restore_subnet_id": "subnet-xyz"}, "ec2_restore_subnet_id='subnet-xyz': not a subnet id"),
    ("ec2_restore", {"ec2_restore_subnet_id": "subnet-0123456789abcdef0"},
     "ec2_restore_subnet_id='subnet-0123456789abcdef0' and ec2_restore_method='relaunch': ec2_restore_subnet_id is for "
     "ec2_restore_method=restore_job only"),
    ("ec2_restore", dict(RESTORE_JOB, ec2_restore_security_group_ids=[SG, SG]), "names '%s' twice" % SG),
    ("ec2_restore", dict(RESTORE_JOB, ec2_restore_security_group_ids=["sg-1"]), "ec2_restore_security_group_ids[0]='sg-1'"),
    ("ec2_restore", {"ec2_restore_security_group_ids": [SG]}, "ec2_restore_security_group_ids=['%s'] and ec2_restore_method='relaunch'" % SG),
    ("ec2_restore", dict(RESTORE_JOB, ec2_restore_instance_profile_name="app profile!"),
     "ec2_restore_instance_profile_name='app profile!': an instance profile name cannot hold spaces"),
    ("ec2_restore", dict(RESTORE_JOB, ec2_restore_instance_profile_name="p" * 129), "ec2_restore_instance_profile_name='ppp"),
    ("ec2_restore", {"ec2_restore_iam_role_arn": "foo"}, "ec2_restore_iam_role_arn='foo': not an IAM role ARN"),
    ("ec2_restore", {"ec2_restore_iam_role_arn": "arn:aws:iam::123456789012:user/x"}, "ec2_restore_iam_role_arn='arn:aws:iam::123456789012:user/x'"),
    ("ec2_restore", {"ec2_restore_iam_role_arn": "arn:aws:s3:::bucket"}, "ec2_restore_iam_role_arn='arn:aws:s3:::bucket'"),
    ("ec2_restore", dict(RESTORE_JOB, ec2_restore_tags={"aws:owner": "x"}), "tag key 'aws:owner' starts with 'aws:'"),
    ("ec2_restore", dict(RESTORE_JOB, ec2_restore_tags={"restorekit:restored-from": "x"}),
     "tag key 'restorekit:restored-from' is set by the role itself"),
    ("ec2_restore", dict(RESTORE_JOB, ec2_restore_tags={"k" * 129: "x"}), "must be 1 to 128 characters"),
    ("ec2_restore", {"ec2_restore_tags": {"Purpose": "x"}}, "ec2_restore_tags={'Purpose': 'x'} and ec2_restore_method='relaunch'"),
    ("ec2_restore", dict(RESTORE_JOB, ec2_restore_attach_to_group="true"),
     "ec2_restore_attach_to_group=True and ec2_restore_group_name='': ec2_restore_attach_to_group=true needs the group"),
    ("ec2_restore", dict(RESTORE_JOB, ec2_restore_instance_name=""),
     "ec2_restore_method=restore_job selects its recovery point by instance id, Name tag or group: set one"),
    ("ec2_restore", {"ec2_restore_aws_region": "US-EAST-1"}, "ec2_restore_aws_region='US-EAST-1': not an AWS region"),
    ("ec2_restore", {"ec2_restore_aws_region": "us-east"}, "ec2_restore_aws_region='us-east'"),
    ("ec2_restore", {"ec2_restore_aws_endpoint_url": "localhost:4566"}, "ec2_restore_aws_endpoint_url='localhost:4566': not an endpoint URL"),
    ("ec2_restore", {"ec2_restore_aws_endpoint_url": "http://emulator host"}, "ec2_restore_aws_endpoint_url='http://emulator host'"),
    ("ec2_restore", {"ec2_restore_project_name": "", "ec2_restore_environment": "", "ec2_restore_backup_vault_name": "--backup-vault"},
     "ec2_restore_project_name='': is empty"),
    ("ec2_restore", dict(RESTORE_JOB, ec2_restore_iam_role_arn="", ec2_restore_project_name=""), "ec2_restore_project_name='': is empty"),
    ("ec2_restore", {"ec2_restore_project_name": "My_App"}, "ec2_restore_project_name='My_App'"),
    ("ec2_restore", {"ec2_restore_environment": "pr od"}, "ec2_restore_environment='pr od'"),
    ("ec2_restore", {"ec2_restore_backup_vault_name": "vault/1"}, "ec2_restore_backup_vault_name='vault/1'"),
    ("ec2_restore", {"ec2_restore_backup_vault_name": ""}, "ec2_restore_backup_vault_name='': is empty"),
    ("ec2_restore", {"ec2_restore_backup_vault_name": "v" * 51}, "not a backup vault name"),
    ("ec2_restore", {"ec2_restore_validate": "maybe"}, "ec2_restore_validate='maybe': must be a boolean"),
    # ------------------------------------------------------------------------------------------ rds_swap
    ("rds_swap", {"rds_swap_production_identifier": "my_db", "rds_swap_confirm": "my_db"}, "rds_swap_production_identifier='my_db'"),
    ("rds_swap", {"rds_swap_production_identifier": "1db", "rds_swap_confirm": "1db"}, "rds_swap_production_identifier='1db'"),
    ("rds_swap", {"rds_swap_production_identifier": "db--x", "rds_swap_confirm": "db--x"}, "rds_swap_production_identifier='db--x'"),
    ("rds_swap", {"rds_swap_production_identifier": "--db", "rds_swap_confirm": "--db"},
     "rds_swap_production_identifier='--db': not an RDS DB identifier: set it, or the inventory's restorekit_project_name"),
    ("rds_swap", {"rds_swap_production_identifier": "d" * 44, "rds_swap_confirm": "d" * 44}, "is 44 characters long: the swap's names"),
    ("rds_swap", {"rds_swap_confirm": ""},
     "rds_swap_confirm='': must equal the production DB instance identifier 'multi-tenant-app-prod-db' (rds_swap_production_identifier)"),
    ("rds_swap", {"rds_swap_confirm": None}, "rds_swap_confirm='': must equal"),
    ("rds_swap", {"rds_swap_confirm": "multi-tenant-app-prod-db-restore"}, "rds_swap_confirm='multi-tenant-app-prod-db-restore': must equal"),
    ("rds_swap", {"rds_swap_strategy": "swap"}, "rds_swap_strategy='swap': must be one of rename, endpoint_update"),
    ("rds_swap", {"rds_swap_strategy": "endpoint_update"},
     "rds_swap_strategy='endpoint_update' and rds_swap_endpoint_secret='' and rds_swap_endpoint_ssm_parameter='': "
     "rds_swap_strategy=endpoint_update writes the restore's endpoint into an SSM parameter or a secret"),
    ("rds_swap", {"rds_swap_endpoint_ssm_parameter": "aws-db-endpoint"}, "rds_swap_endpoint_ssm_parameter='aws-db-endpoint'"),
    ("rds_swap", {"rds_swap_endpoint_ssm_parameter": "/app/db endpoint"}, "rds_swap_endpoint_ssm_parameter='/app/db endpoint'"),
    ("rds_swap", {"rds_swap_endpoint_ssm_parameter": "/app//db"}, "rds_swap_endpoint_ssm_parameter='/app//db'"),
    ("rds_swap", {"rds_swap_endpoint_ssm_format": "host"}, "rds_swap_endpoint_ssm_format='host'"),
    ("rds_swap", {"rds_swap_endpoint_secret": "app db!"}, "rds_swap_endpoint_secret='app db!': not a Secrets Manager secret name"),
    ("rds_swap", {"rds_swap_endpoint_secret": "arn:aws:ssm:us-east-1:123456789012:parameter/x"}, "not a Secrets Manager secret ARN"),
    ("rds_swap", {"rds_swap_endpoint_secret": SECRET_ARN.replace("us-east-1", "eu-west-1")}, "an ARN of region eu-west-1"),
    ("rds_swap", {"rds_swap_backup_vault_name": ""}, "rds_swap_backup_vault_name='': is empty"),
    ("rds_swap", {"rds_swap_backup_vault_name": "vault 1"}, "rds_swap_backup_vault_name='vault 1'"),
    ("rds_swap", {"rds_swap_iam_role_arn": ""}, "rds_swap_iam_role_arn='': is empty"),
    ("rds_swap", {"rds_swap_iam_role_arn": "arn:aws:iam::12345:role/x"}, "rds_swap_iam_role_arn='arn:aws:iam::12345:role/x': not an IAM role ARN"),
    ("rds_swap", {"rds_swap_point_in_time": FUTURE}, "rds_swap_point_in_time='%s': is in the future" % FUTURE),
    ("rds_swap", {"rds_swap_point_in_time": "last night"}, "rds_swap_point_in_time='last night': is not a time"),
    ("rds_swap", {"rds_swap_restore_metadata": {"KmsKeyId": "not-a-key"}}, "rds_swap_restore_metadata.KmsKeyId='not-a-key': not a KMS key"),
    ("rds_swap", {"rds_swap_restore_metadata": {"KmsKeyId": KEY.replace("us-east-1", "eu-west-1")}}, "an ARN of region eu-west-1"),
    ("rds_swap", {"rds_swap_restore_metadata": {"DBInstanceClass": "t3.medium"}}, "rds_swap_restore_metadata.DBInstanceClass='t3.medium'"),
    ("rds_swap", {"rds_swap_restore_metadata": {"VpcSecurityGroupIds": "sg-1"}}, "rds_swap_restore_metadata.VpcSecurityGroupIds[0]='sg-1'"),
    ("rds_swap", {"rds_swap_restore_metadata": {"MultiAZ": "maybe"}}, "rds_swap_restore_metadata={'MultiAZ': 'maybe'}: metadata MultiAZ must be a boolean"),
    ("rds_swap", {"rds_swap_restore_metadata": {"DBInstanceIdentifier": "other"}}, "DBInstanceIdentifier is the swap's own"),
    ("rds_swap", {"rds_swap_restore_metadata": {"DeletionProtection": True}}, "DeletionProtection=true would keep a rollback"),
    ("rds_swap", {"rds_swap_restore_metadata": "DeletionProtection=false"}, "rds_swap_restore_metadata='DeletionProtection=false': must be a dictionary"),
    ("rds_swap", {"rds_swap_restore_timeout": 0}, "rds_swap_restore_timeout=0"),
    ("rds_swap", {"rds_swap_restore_timeout": "an hour"}, "rds_swap_restore_timeout='an hour': must be a whole number"),
    ("rds_swap", {"rds_swap_restore_timeout": 7 * 86400 + 1}, "rds_swap_restore_timeout=604801"),
    ("rds_swap", {"rds_swap_snapshot_timeout": "-1"}, "rds_swap_snapshot_timeout='-1'"),
    ("rds_swap", {"rds_swap_db_user": ""}, "rds_swap_db_user='': is empty"),
    ("rds_swap", {"rds_swap_db_user": "u" * 81}, "rds_swap_db_user='uuu"),
    ("rds_swap", {"rds_swap_db_password_secret": ""},
     "rds_swap_db_password and rds_swap_db_password_secret are both empty: the validation user logs in with the password"),
    ("rds_swap", {"rds_swap_db_password_secret": "db password"}, "rds_swap_db_password_secret='db password'"),
    ("rds_swap", {"rds_swap_db_name": "1app"}, "rds_swap_db_name='1app': not a database name"),
    ("rds_swap", {"rds_swap_db_name": "app-db"}, "rds_swap_db_name='app-db'"),
    ("rds_swap", {"rds_swap_db_name": ""}, "rds_swap_db_name='': is empty"),
    ("rds_swap", {"rds_swap_ignored_db_users": ["rdsadmin", "rdsadmin"]}, "names 'rdsadmin' twice"),
    ("rds_swap", {"rds_swap_ignored_db_users": [""]}, "rds_swap_ignored_db_users[0]='': is empty"),
    ("rds_swap", {"rds_swap_connections_timeout": 0}, "rds_swap_connections_timeout=0"),
    ("rds_swap", {"rds_swap_connections_poll": 3601}, "rds_swap_connections_poll=3601: must be between 1 and 3600"),
    ("rds_swap", {"rds_swap_writer_asgs": ["app:asg"]}, "rds_swap_writer_asgs[0]='app:asg': not an autoscaling group name"),
    ("rds_swap", {"rds_swap_writer_asgs": ["app asg"]}, "rds_swap_writer_asgs[0]='app asg'"),
    ("rds_swap", {"rds_swap_writer_asgs": ["asg", "asg"]}, "names 'asg' twice"),
    ("rds_swap", {"rds_swap_writer_steps": []}, "rds_swap_writer_steps=[]: must be a non-empty list"),
    ("rds_swap", {"rds_swap_writer_steps": [50, 25, 100]}, "rds_swap_writer_steps=[50, 25, 100]: must be strictly ascending"),
    ("rds_swap", {"rds_swap_writer_steps": [50, 50, 100]}, "must be strictly ascending"),
    ("rds_swap", {"rds_swap_writer_steps": [25, 50]}, "rds_swap_writer_steps=[25, 50]: must end with 100"),
    ("rds_swap", {"rds_swap_writer_steps": [0, 100]}, "rds_swap_writer_steps[0]=0: must be between 1 and 100"),
    ("rds_swap", {"rds_swap_writer_steps": [50, 101]}, "rds_swap_writer_steps[1]=101"),
    ("rds_swap", {"rds_swap_writer_steps": ["half", 100]}, "rds_swap_writer_steps[0]='half': must be a whole number"),
    ("rds_swap", {"rds_swap_step_pause": -1}, "rds_swap_step_pause=-1"),
    ("rds_swap", {"rds_swap_step_pause": 3601}, "rds_swap_step_pause=3601"),
    ("rds_swap", {"rds_swap_validate_static_tables": ["plans", "plans"]}, "names 'plans' twice"),
    ("rds_swap", {"rds_swap_validate_static_tables": [""]}, "rds_swap_validate_static_tables[0]='': is empty"),
    ("rds_swap", {"rds_swap_validate_live_tables": ["orders"]}, "rds_swap_validate_live_tables=['orders']: live_tables: 'orders' needs a tolerance"),
    ("rds_swap", {"rds_swap_validate_live_tables": [{"name": "orders", "tolerance_percent": 5, "tolerance_rows": 3}]},
     "give exactly one of tolerance_percent or tolerance_rows"),
    ("rds_swap", {"rds_swap_validate_live_tables": [{"name": "orders", "tolerance_percent": 101}]}, "tolerance_percent=101 must be between 0 and 100"),
    ("rds_swap", {"rds_swap_validate_live_tables": [{"name": "plans", "tolerance_rows": 1}]}, "plans declared both static and live"),
    ("rds_swap", {"rds_swap_validate_live_tables": [{"name": "o", "tolerance_rows": 1}, {"name": "o", "tolerance_rows": 2}]},
     "rds_swap_validate_live_tables="),
    ("rds_swap", {"rds_swap_validate_live_tables": "orders"}, "rds_swap_validate_live_tables='orders': must be a list"),
    ("rds_swap", {"rds_swap_validate_smoke_queries": [{"name": "one", "sql": "SELECT 1"}]}, "smoke_queries one: expect is required"),
    ("rds_swap", {"rds_swap_validate_smoke_queries": [{"name": "a", "sql": "SELECT 1", "expect": 1}, {"name": "a", "sql": "SELECT 2", "expect": 2}]},
     "smoke_queries: names must be unique"),
    ("rds_swap", {"rds_swap_validate_max_staleness_minutes": -1}, "rds_swap_validate_max_staleness_minutes=-1"),
    ("rds_swap", {"rds_swap_lock_parameter": "aws-lock"}, "rds_swap_lock_parameter='aws-lock'"),
    ("rds_swap", {"rds_swap_lock_parameter": "/restorekit/locks/my lock!"}, "rds_swap_lock_parameter='/restorekit/locks/my lock!'"),
    ("rds_swap", {"rds_swap_lock_parameter": ""}, "rds_swap_lock_parameter='': is empty"),
    ("rds_swap", {"rds_swap_holder": "h" * 257}, "rds_swap_holder='hhh"),
    ("rds_swap", {"rds_swap_run_id": "run 1!"}, "rds_swap_run_id='run 1!'"),
    ("rds_swap", {"rds_swap_break_lock": "../x"}, "rds_swap_break_lock='../x'"),
    ("rds_swap", {"rds_swap_fail_after": "finish"}, "rds_swap_fail_after='finish': must be one of"),
    ("rds_swap", {"rds_swap_hold_after": "snapshot"},
     "rds_swap_hold_after='snapshot' and rds_swap_hold_file='': the run holds after the step only while rds_swap_hold_file exists"),
    ("rds_swap", {"rds_swap_aws_region": "useast1"}, "rds_swap_aws_region='useast1': not an AWS region"),
    ("rds_swap", {"rds_swap_aws_endpoint_url": "127.0.0.1:4566"}, "rds_swap_aws_endpoint_url='127.0.0.1:4566'"),
    # ------------------------------------------------------------------------------------------ rds_restore_in_place.yml
    ("rds_restore_in_place", {"rds_restore_mode": None}, "rds_restore_mode='': must be in_place"),
    ("rds_restore_in_place", {"rds_restore_mode": "new"}, "rds_restore_mode='new': must be in_place"),
    ("rds_restore_in_place", {"rds_restore_mode": "IN_PLACE"}, "rds_restore_mode='IN_PLACE': must be in_place"),
    ("rds_restore_in_place", {"rds_swap_aws_region": "moon-base"}, "rds_swap_aws_region='moon-base': not an AWS region"),
    ("rds_restore_in_place", {"rds_swap_aws_endpoint_url": "ftp://127.0.0.1"}, "rds_swap_aws_endpoint_url='ftp://127.0.0.1'"),
    # ------------------------------------------------------------------------------------------ preflight
    ("preflight", {"preflight_project_name": "", "preflight_backup_role_name": "-prod-backup-role"}, "preflight_project_name='': is empty"),
    ("preflight", {"preflight_project_name": "My_App"}, "preflight_project_name='My_App'"),
    ("preflight", {"preflight_environment": "pr/od"}, "preflight_environment='pr/od'"),
    ("preflight", {"preflight_region": "us_east_1"}, "preflight_region='us_east_1': not an AWS region"),
    ("preflight", {"preflight_backup_vault_name": "vault/1"}, "preflight_backup_vault_name='vault/1'"),
    ("preflight", {"preflight_backup_vault_name": ""}, "preflight_backup_vault_name='': is empty"),
    ("preflight", {"preflight_backup_role_name": "backup role"}, "preflight_backup_role_name='backup role': an IAM role name cannot hold spaces"),
    ("preflight", {"preflight_backup_role_name": "r" * 65}, "preflight_backup_role_name='rrr"),
    ("preflight", {"preflight_resource_types": []}, "preflight_resource_types=[]: names no resource type"),
    ("preflight", {"preflight_resource_types": ["RDS", "RDS"]}, "names 'RDS' twice"),
    ("preflight", {"preflight_resource_types": ["DynamoDB"]}, "preflight_resource_types[0]='DynamoDB': must be one of RDS, S3, EC2"),
    # -e preflight_resource_types=['S3'] reaches the rules as ["['S3']"] (the argument spec splits text on commas).
    ("preflight", {"preflight_resource_types": ["['S3'", " 'EC2']"]}, "preflight_resource_types[0]=\"['S3'\": must be one of RDS, S3, EC2; "
     "a list given as text is not read as a list: write it comma-separated (-e preflight_resource_types=RDS,S3) or as JSON "
     "(-e '{\"preflight_resource_types\": [\"RDS\"]}')"),
    ("preflight", {"preflight_targets": [{"type": "rds", "name": "my_db"}]}, "preflight_targets[0].name='my_db': an RDS DB identifier cannot hold underscores"),
    ("preflight", {"preflight_targets": [{"type": "s3", "name": "Tenant_1"}]}, "preflight_targets[0].name='Tenant_1'"),
    ("preflight", {"preflight_targets": [{"type": "ec2", "name": "n" * 257}]}, "preflight_targets[0].name='nnn"),
    ("preflight", {"preflight_targets": [{"type": "ebs", "name": "x"}]}, "preflight_targets[0].type='ebs': must be one of rds, s3, ec2"),
    ("preflight", {"preflight_targets": [{"type": "rds", "name": "db-restore"}, {"type": "rds", "name": "DB-restore"}]},
     "names ('rds', 'db-restore') twice"),
    ("preflight", {"preflight_targets": ["db-restore"]}, "preflight_targets[0]='db-restore': must be a dictionary"),
    ("preflight", {"preflight_responder_db_instances": ["my_db"]}, "preflight_responder_db_instances[0]='my_db'"),
    ("preflight", {"preflight_responder_db_instances": ["db", "db"]}, "names 'db' twice"),
    ("preflight", {"preflight_responder_buckets": ["Tenant-1"]}, "preflight_responder_buckets[0]='Tenant-1': an S3 bucket name cannot hold capital letters"),
    ("preflight", {"preflight_responder_buckets": ["a..b"]}, "preflight_responder_buckets[0]='a..b'"),
    ("preflight", {"preflight_responder_buckets": ["t\u00e9nant"]}, "non-ASCII characters"),
    ("preflight", {"preflight_responder_autoscaling_groups": ["app:asg"]}, "preflight_responder_autoscaling_groups[0]='app:asg'"),
    # ------------------------------------------------------------------------------------------ restore_report
    ("restore_report", {"restore_report_dir": ""}, "restore_report_dir='': is empty"),
    ("restore_report", {"restore_report_dir": "   "}, "restore_report_dir='   ': is empty"),
    ("restore_report", {"restore_report_name": "../etc"}, "restore_report_name='../etc': must be a plain file name"),
    ("restore_report", {"restore_report_name": "reports/run-1"}, "restore_report_name='reports/run-1'"),
    ("restore_report", {"restore_report_name": ".hidden"}, "restore_report_name='.hidden'"),
    ("restore_report", {"restore_report_name": "run 1"}, "restore_report_name='run 1'"),
    ("restore_report", {"restore_report_name": "r\u00e9sum\u00e9"}, "restore_report_name='r\u00e9sum\u00e9'"),
    ("restore_report", {"restore_report_outcome": "partial"}, "restore_report_outcome='partial': must be one of succeeded, failed"),
    ("restore_report", {"restore_report_started": "yesterday"}, "restore_report_started='yesterday': is not an ISO 8601 time"),
    ("restore_report", {"restore_report_started": FUTURE}, "restore_report_started='%s': is in the future" % FUTURE),
    ("restore_report", {"restore_report_incident_time": "2026-13-01T00:00:00Z"}, "restore_report_incident_time='2026-13-01T00:00:00Z'"),
    ("restore_report", {"restore_report_incident_time": FUTURE}, "restore_report_incident_time='%s': is in the future" % FUTURE),
    ("restore_report", {"restore_report_decision_time": 20261124}, "restore_report_decision_time=20261124: must be an ISO 8601 time"),
    ("restore_report", {"restore_report_incident_time": "2026-11-24T02:00:00Z", "restore_report_decision_time": "2026-11-24T01:50:00Z"},
     "restore_report_incident_time='2026-11-24T02:00:00Z' and restore_report_decision_time='2026-11-24T01:50:00Z': "
     "restore_report_incident_time must be at or before restore_report_decision_time"),
    ("restore_report", {"restore_report_phase_marks": [{"name": "restore", "start": "2026-11-24T02:00:00Z"},
                                                       {"name": "validate", "start": "2026-11-24T01:00:00Z"}]},
     "restore_report_phase_marks[1].start='2026-11-24T01:00:00Z': is before the start of restore_report_phase_marks[0]"),
    ("restore_report", {"restore_report_phase_marks": [{"name": "restore", "start": "soon"}]},
     "restore_report_phase_marks[0].start='soon': is not an ISO 8601 time"),
    ("restore_report", {"restore_report_phase_marks": [{"name": "", "start": "2026-11-24T02:00:00Z"}]},
     "restore_report_phase_marks[0].name='': is empty"),
    ("restore_report", {"restore_report_phase_marks": [{"name": "restore", "start": FUTURE}]}, "is in the future"),
    # ------------------------------------------------------------------------------------------ backup_alerts
    ("backup_alerts", {"backup_alerts_project_name": "", "backup_alerts_rule_name": "-prod-backup-job-alerts"},
     "backup_alerts_project_name='': is empty"),
    ("backup_alerts", {"backup_alerts_environment": "Prod"}, "backup_alerts_environment='Prod'"),
    ("backup_alerts", {"backup_alerts_sns_topic_arn": ""}, "backup_alerts_sns_topic_arn='': is empty; it must be an SNS topic ARN"),
    ("backup_alerts", {"backup_alerts_sns_topic_arn": "monitoring"}, "backup_alerts_sns_topic_arn='monitoring': not an SNS topic ARN"),
    ("backup_alerts", {"backup_alerts_sns_topic_arn": "arn:aws:sqs:us-east-1:123456789012:q"}, "an ARN of service 'sqs', not an SNS topic ARN"),
    ("backup_alerts", {"backup_alerts_sns_topic_arn": "arn:aws:sns:eu-west-1:123456789012:t"}, "an ARN of region eu-west-1, but this runs in us-east-1"),
    ("backup_alerts", {"backup_alerts_sns_topic_arn": "arn:aws:sns:us-east-1:12345:t"}, "backup_alerts_sns_topic_arn='arn:aws:sns:us-east-1:12345:t'"),
    ("backup_alerts", {"backup_alerts_sns_topic_arn": "arn:aws:sns:us-east-1:123456789012:bad.topic"}, "not an SNS topic ARN"),
    ("backup_alerts", {"backup_alerts_rule_name": "backup alerts"}, "backup_alerts_rule_name='backup alerts': not an EventBridge rule name"),
    ("backup_alerts", {"backup_alerts_rule_name": "r" * 65}, "backup_alerts_rule_name='rrr"),
    ("backup_alerts", {"backup_alerts_rule_name": "alerts/1"}, "backup_alerts_rule_name='alerts/1'"),
    ("backup_alerts", {"backup_alerts_state": "enabled"}, "backup_alerts_state='enabled': must be one of present, disabled, absent"),
    ("backup_alerts", {"backup_alerts_detail_types": []}, "backup_alerts_detail_types=[]: names no event detail type"),
    ("backup_alerts", {"backup_alerts_detail_types": ["Backup Job State Change"] * 2}, "names 'Backup Job State Change' twice"),
    ("backup_alerts", {"backup_alerts_states": []}, "backup_alerts_states=[]: names no job state"),
    ("backup_alerts", {"backup_alerts_states": ["FAILED", "FAILED"]}, "names 'FAILED' twice"),
    ("backup_alerts", {"backup_alerts_target_id": ""}, "backup_alerts_target_id='': is empty"),
    ("backup_alerts", {"backup_alerts_target_id": "monitoring sns"}, "backup_alerts_target_id='monitoring sns': not an EventBridge target id"),
]


@pytest.mark.parametrize("role, changes, message", BAD, ids=["%s-%d-%s" % (b[0], i, sorted(b[1])[0])[:70] for i, b in enumerate(BAD)])
def test_bad_values_are_refused_naming_the_variable_and_value(role, changes, message):
    checked = run(role, **changes)
    assert any(message in error for error in checked.errors), checked.errors
    assert checked.message(role).startswith("Bad input for %s, nothing was changed: " % role)


GOOD = [
    # What responders, the inventories and AWX surveys give, and must keep working.
    ("ec2_restore", {"ec2_restore_min_healthy_percentage": "50", "ec2_restore_wait_timeout": "600", "ec2_restore_instance_warmup": "0"}),
    ("ec2_restore", {"ec2_restore_rollback_to_version": "3", "ec2_restore_project_name": "", "ec2_restore_environment": "",
                     "ec2_restore_backup_vault_name": "--backup-vault"}),
    ("ec2_restore", dict(RESTORE_JOB, ec2_restore_instance_type="t3.medium", ec2_restore_subnet_id="subnet-0123456789abcdef0",
                         ec2_restore_security_group_ids=[SG, "sg-01234567"], ec2_restore_instance_profile_name="app-restore-1",
                         ec2_restore_tags={"Purpose": "restore"}, ec2_restore_target_time="2026-11-20T05:00:00Z")),
    ("ec2_restore", dict(RESTORE_JOB, ec2_restore_group_name="multi-tenant-app-prod-app-asg", ec2_restore_attach_to_group=True,
                         ec2_restore_iam_role_arn="", ec2_restore_instance_name="")),
    ("ec2_restore", {"ec2_restore_user_data_template": "templates/user_data.sh.j2", "ec2_restore_user_data_vars": {"tenant_mode": "multi"},
                     "ec2_restore_user_data_secrets": [{"name": "db_password", "secret_id": "app/db-password"},
                                                       {"name": "api_url", "ssm_parameter": "/app/api-url"},
                                                       {"name": "ami", "ssm_parameter": "/aws/service/ami-amazon-linux-latest/x"}]}),
    ("ec2_restore", {"ec2_restore_validate": "false", "ec2_restore_backup_vault_name": "multi-tenant-app-prod-backup-vault-dr"}),
    ("ec2_restore", {"ec2_restore_validate": None}),
    ("rds_swap", {"rds_swap_writer_steps": ["50", "100"], "rds_swap_step_pause": "0", "rds_swap_connections_poll": "1",
                  "rds_swap_db_password": "emulated-pw", "rds_swap_db_password_secret": "", "rds_swap_writer_asgs": []}),
    ("rds_swap", {"rds_swap_strategy": "endpoint_update", "rds_swap_endpoint_secret": SECRET_ARN,
                  "rds_swap_restore_metadata": {"DBInstanceClass": "db.t3.large", "VpcSecurityGroupIds": SG, "DeletionProtection": False},
                  "rds_swap_point_in_time": "-2h", "rds_swap_hold_after": "switch", "rds_swap_hold_file": "/tmp/hold"}),
    ("rds_restore_in_place", {"rds_swap_aws_region": "", "rds_swap_aws_endpoint_url": ""}),
    ("preflight", {"preflight_project_name": "", "preflight_environment": "", "preflight_backup_vault_name": "app-prod-backup-vault-dr",
                   "preflight_backup_role_name": "app-prod-backup-role", "preflight_region": "us-west-2",
                   "preflight_targets": [{"type": "rds", "name": "app-prod-db-restore"}, {"type": "s3", "name": "app-prod-tenant-1.2-restore"},
                                         {"type": "ec2", "name": "App server (restored)"}],
                   "preflight_responder_autoscaling_groups": ["multi-tenant-app-prod-app-asg"]}),
    ("restore_report", {"restore_report_name": "restore-drill-20261124-030000", "restore_report_started": "2026-11-24T01:58:00Z",
                        "restore_report_incident_time": "2026-11-24T01:30:00", "restore_report_decision_time": "2026-11-24T01:50:00+00:00",
                        "restore_report_phase_marks": [{"name": "preflight", "start": "2026-11-24T01:58:00Z"},
                                                       {"name": "restore", "start": "2026-11-24T01:58:00Z"}]}),
    ("backup_alerts", {"backup_alerts_state": "absent", "backup_alerts_states": [], "backup_alerts_detail_types": []}),
    ("backup_alerts", {"backup_alerts_project_name": "", "backup_alerts_environment": "", "backup_alerts_rule_name": "backup-alerts",
                       "backup_alerts_sns_topic_arn": "arn:aws:sns:us-east-1:123456789012:monitoring.fifo"}),
]


@pytest.mark.parametrize("role, changes", GOOD, ids=["%s-%d" % (g[0], i) for i, g in enumerate(GOOD)])
def test_what_responders_give_is_accepted(role, changes):
    assert run(role, **changes).errors == []


def test_numbers_as_awx_and_dash_e_give_them_are_read_as_numbers():
    ec2 = run("ec2_restore", ec2_restore_min_healthy_percentage="50", ec2_restore_rollback_to_version="3")
    assert ec2.values["ec2_restore_min_healthy_percentage"] == 50 and ec2.values["ec2_restore_rollback_to_version"] == 3
    swap = run("rds_swap", rds_swap_writer_steps=["25", "100"], rds_swap_restore_timeout="600")
    assert swap.values["rds_swap_writer_steps"] == [25, 100] and swap.values["rds_swap_restore_timeout"] == 600


def test_the_password_is_never_echoed():
    """Neither in an error nor among the values the check returns (which -v prints)."""
    password = "Sup3r-secret-pw"
    checked = run("rds_swap", rds_swap_db_password=password, rds_swap_db_password_secret="", rds_swap_restore_timeout=0)
    assert checked.errors and all(password not in error for error in checked.errors)
    assert password not in repr(checked.values) and checked.values["rds_swap_db_password"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"
    wrong_type = run("rds_swap", rds_swap_db_password=["Sup3r-secret-pw"])
    assert wrong_type.errors == ["rds_swap_db_password must be a string (its value is not shown)"]


def test_a_swap_without_its_confirmation_names_the_confirmation_first():
    checked = run("rds_swap", rds_swap_confirm="", rds_swap_writer_steps=[100, 50])
    assert checked.errors[0].startswith("rds_swap_confirm='': must equal the production DB instance identifier")
    assert len(checked.errors) == 2


def test_an_ignored_option_is_a_warning_not_an_error():
    checked = run("rds_swap", rds_swap_endpoint_ssm_parameter="/app/db/endpoint", rds_swap_db_password="pw")
    assert checked.errors == []
    assert any("rds_swap_endpoint_ssm_parameter" in warning for warning in checked.warnings)
    assert any("rds_swap_db_password is ignored" in warning for warning in checked.warnings)
    assert all("pw'" not in warning for warning in checked.warnings)
