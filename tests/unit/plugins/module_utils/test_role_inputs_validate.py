"""The input rules of the validate roles and playbooks (validate_mysql, validate_ec2, restore_testing and its validate
entry point, backup_health, playbooks/rds_restore.yml's own variables), without Ansible: each class of bad value that
applies to a variable is refused, naming it and its value (a password by its name only)."""

from __future__ import annotations

import pytest

from ansible_collections.restorekit.aws.plugins.module_utils._backup import health
from ansible_collections.restorekit.aws.plugins.module_utils._inputs import InputError
from ansible_collections.restorekit.aws.plugins.module_utils._role_inputs import common, validate
from tests.unit.plugins.module_utils.test_role_inputs import KEY, NOW, run

TG = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/app/50dc6c495c0c9188"
SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:app/prod/db-master-AbCdEf"
TOPIC = "arn:aws:sns:us-east-1:123456789012:app-prod-monitoring"
POLICY = validate.EXAMPLES["backup_health"]["backup_health_policy"]
DAILY = POLICY["rules"][0]

BAD = [
    # (role, variable, bad value, what the message must say)
    # ---------------------------------------------------------------- validate_mysql
    ("validate_mysql", "validate_mysql_host", "", "validate_mysql_host='': is empty"),
    ("validate_mysql", "validate_mysql_host", None, "validate_mysql_host=None: must be a string"),
    ("validate_mysql", "validate_mysql_host", "mysql://db.example.com/app", "validate_mysql_host='mysql://db.example.com/app': not a host"),
    ("validate_mysql", "validate_mysql_host", "db host", "validate_mysql_host='db host': not a host"),
    ("validate_mysql", "validate_mysql_host", "d\u00e9j\u00e0.example.com", "validate_mysql_host='d\u00e9j\u00e0.example.com'"),
    ("validate_mysql", "validate_mysql_host", "h" * 256, "is 256 characters long, at most 255"),
    ("validate_mysql", "validate_mysql_port", "0", "validate_mysql_port='0': must be between 1 and 65535"),
    ("validate_mysql", "validate_mysql_port", -1, "validate_mysql_port=-1"),
    ("validate_mysql", "validate_mysql_port", 65536, "validate_mysql_port=65536"),
    ("validate_mysql", "validate_mysql_port", "mysql", "validate_mysql_port='mysql': must be a whole number"),
    ("validate_mysql", "validate_mysql_source_port", "70000", "validate_mysql_source_port='70000'"),
    ("validate_mysql", "validate_mysql_user", "", "validate_mysql_user='': is empty"),
    ("validate_mysql", "validate_mysql_user", "u" * 81, "validate_mysql_user='%s': is 81 characters long" % ("u" * 81)),
    ("validate_mysql", "validate_mysql_source_user", "u" * 81, "validate_mysql_source_user="),
    ("validate_mysql", "validate_mysql_password_secret", "my secret", "validate_mysql_password_secret='my secret': not a Secrets Manager secret"),
    ("validate_mysql", "validate_mysql_password_secret", "s\u00e9cret", "validate_mysql_password_secret='s\u00e9cret'"),
    ("validate_mysql", "validate_mysql_password_secret", SECRET_ARN.replace("us-east-1", "eu-west-1"), "an ARN of region eu-west-1"),
    ("validate_mysql", "validate_mysql_password_secret", "arn:aws:ssm:us-east-1:123456789012:parameter/db", "an ARN of service 'ssm'"),
    ("validate_mysql", "validate_mysql_source_password_secret", "a/../b c", "validate_mysql_source_password_secret='a/../b c'"),
    ("validate_mysql", "validate_mysql_password_secret_key", ["password"], "validate_mysql_password_secret_key=['password']: must be a string"),
    ("validate_mysql", "validate_mysql_database", ["app"], "validate_mysql_database=['app']: must be a string"),
    ("validate_mysql", "validate_mysql_database", "mysql", "validate_mysql_database='mysql': is a system database"),
    ("validate_mysql", "validate_mysql_database", "app/../x", "validate_mysql_database='app/../x'"),
    ("validate_mysql", "validate_mysql_database", "d" * 65, "is 65 characters long, at most 64"),
    ("validate_mysql", "validate_mysql_source_database", "app.prod", "validate_mysql_source_database='app.prod'"),
    ("validate_mysql", "validate_mysql_identifier", "my_db", "validate_mysql_identifier='my_db'"),
    ("validate_mysql", "validate_mysql_identifier", "db--restore", "validate_mysql_identifier='db--restore'"),
    ("validate_mysql", "validate_mysql_aws_region", "us-east", "validate_mysql_aws_region='us-east': not an AWS region"),
    ("validate_mysql", "validate_mysql_aws_region", "US-EAST-1", "validate_mysql_aws_region='US-EAST-1'"),
    ("validate_mysql", "validate_mysql_aws_endpoint_url", "localhost:4566", "validate_mysql_aws_endpoint_url='localhost:4566': not an endpoint URL"),
    ("validate_mysql", "validate_mysql_aws_endpoint_url", "http://local host:4566", "validate_mysql_aws_endpoint_url='http://local host:4566'"),
    ("validate_mysql", "validate_mysql_source_host", "prod db", "validate_mysql_source_host='prod db'"),
    ("validate_mysql", "validate_mysql_baseline_path", ["a.json"], "validate_mysql_baseline_path=['a.json']: must be a string"),
    ("validate_mysql", "validate_mysql_static_tables", ["plans", "plans"], "validate_mysql_static_tables=['plans', 'plans']: names 'plans' twice"),
    ("validate_mysql", "validate_mysql_static_tables", [""], "validate_mysql_static_tables[0]='': is empty"),
    ("validate_mysql", "validate_mysql_static_tables", "plans", "validate_mysql_static_tables='plans': must be a list"),
    ("validate_mysql", "validate_mysql_live_tables", [{"name": "orders"}],
     "validate_mysql_live_tables=[{'name': 'orders'}]: live_tables orders: give exactly one of tolerance_percent or tolerance_rows"),
    ("validate_mysql", "validate_mysql_live_tables", [{"name": "orders", "tolerance_percent": 5, "tolerance_rows": 5}], "give exactly one"),
    ("validate_mysql", "validate_mysql_live_tables", [{"name": "orders", "tolerance_percent": 101}], "tolerance_percent=101 must be between 0 and 100"),
    ("validate_mysql", "validate_mysql_live_tables", [{"name": "orders", "tolerance_rows": -1}], "tolerance_rows=-1 must be at least 0"),
    ("validate_mysql", "validate_mysql_live_tables", [{"name": "orders", "tolerance_rows": "many"}], "tolerance_rows='many' must be a number"),
    ("validate_mysql", "validate_mysql_live_tables", [{"name": "orders", "tolerance_rows": 1, "column": "x"}], "unknown keys column"),
    ("validate_mysql", "validate_mysql_live_tables", ["orders"], "needs a tolerance"),
    ("validate_mysql", "validate_mysql_live_tables", [{"name": "orders", "tolerance_rows": 1}, {"name": "orders", "tolerance_rows": 2}],
     "names 'orders' twice"),
    ("validate_mysql", "validate_mysql_live_tables", [{"name": "plans", "tolerance_rows": 1}],
     "validate_mysql_static_tables=['plans', 'tenants'] and validate_mysql_live_tables=[{'name': 'plans', 'tolerance_rows': 1}]: "
     "plans declared both static and live"),
    ("validate_mysql", "validate_mysql_smoke_queries", [{"name": "q", "sql": "SELECT 1"}], "smoke_queries q: expect is required"),
    ("validate_mysql", "validate_mysql_smoke_queries", [{"sql": "SELECT 1", "expect": 1}], "needs name and sql"),
    ("validate_mysql", "validate_mysql_smoke_queries",
     [{"name": "q", "sql": "SELECT 1", "expect": 1}, {"name": "q", "sql": "SELECT 2", "expect": 2}], "names must be unique"),
    ("validate_mysql", "validate_mysql_recovery_point_time", "2999-01-01T00:00:00Z",
     "validate_mysql_recovery_point_time='2999-01-01T00:00:00Z': is in the future"),
    ("validate_mysql", "validate_mysql_recovery_point_time", "yesterday", "validate_mysql_recovery_point_time='yesterday': not an ISO 8601 time"),
    ("validate_mysql", "validate_mysql_recovery_point_time", "2026-11-24T05:00:00", "validate_mysql_recovery_point_time='2026-11-24T05:00:00'"),
    # The module reads only ISO 8601: a relative time would pass here and fail after the secret lookups.
    ("validate_mysql", "validate_mysql_recovery_point_time", "-1h", "validate_mysql_recovery_point_time='-1h': not an ISO 8601 time"),
    ("validate_mysql", "validate_mysql_max_staleness_minutes", -5, "validate_mysql_max_staleness_minutes=-5"),
    ("validate_mysql", "validate_mysql_max_staleness_minutes", "an hour", "validate_mysql_max_staleness_minutes='an hour': must be a finite number"),
    ("validate_mysql", "validate_mysql_max_staleness_minutes", 10 ** 7, "validate_mysql_max_staleness_minutes=10000000"),
    ("validate_mysql", "validate_mysql_parallelism", "0", "validate_mysql_parallelism='0': must be between 1 and 64"),
    ("validate_mysql", "validate_mysql_parallelism", 65, "validate_mysql_parallelism=65"),
    ("validate_mysql", "validate_mysql_connect_timeout", 0, "validate_mysql_connect_timeout=0"),
    ("validate_mysql", "validate_mysql_connect_timeout", 3601, "validate_mysql_connect_timeout=3601"),
    # ---------------------------------------------------------------- validate_ec2
    ("validate_ec2", "validate_ec2_group_name", "app asg", "validate_ec2_group_name='app asg': not an autoscaling group name"),
    ("validate_ec2", "validate_ec2_group_name", "app:asg", "validate_ec2_group_name='app:asg'"),
    ("validate_ec2", "validate_ec2_group_name", "\u00e4pp-asg", "validate_ec2_group_name='\u00e4pp-asg'"),
    ("validate_ec2", "validate_ec2_group_name", "a" * 256, "validate_ec2_group_name="),
    ("validate_ec2", "validate_ec2_group_name", ["app-asg"], "validate_ec2_group_name=['app-asg']: must be a string"),
    ("validate_ec2", "validate_ec2_instance_ids", ["i-xyz"], "validate_ec2_instance_ids[0]='i-xyz': not an EC2 instance id"),
    ("validate_ec2", "validate_ec2_instance_ids", ["sg-0123456789abcdef0"], "validate_ec2_instance_ids[0]='sg-0123456789abcdef0'"),
    ("validate_ec2", "validate_ec2_instance_ids", ["i-0123456789abcdef0", "i-0123456789abcdef0"], "names 'i-0123456789abcdef0' twice"),
    ("validate_ec2", "validate_ec2_instance_ids", "i-0123456789abcdef0", "validate_ec2_instance_ids='i-0123456789abcdef0': must be a list"),
    ("validate_ec2", "validate_ec2_target_group_arns", ["my-tg"], "validate_ec2_target_group_arns[0]='my-tg': not a target group ARN"),
    ("validate_ec2", "validate_ec2_target_group_arns", [TG.replace("us-east-1", "eu-west-1")], "an ARN of region eu-west-1"),
    ("validate_ec2", "validate_ec2_target_group_arns", ["arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/a/1"],
     "not a target group ARN"),
    ("validate_ec2", "validate_ec2_target_group_arns", [TG, TG], "twice"),
    ("validate_ec2", "validate_ec2_expected_image_id", "ami-xyz", "validate_ec2_expected_image_id='ami-xyz': not an AMI id"),
    ("validate_ec2", "validate_ec2_http_url", "example.com/health", "validate_ec2_http_url='example.com/health': not an HTTP URL"),
    ("validate_ec2", "validate_ec2_http_url", "ftp://{address}/health", "validate_ec2_http_url='ftp://{address}/health'"),
    ("validate_ec2", "validate_ec2_http_url", "http://{address}/he alth", "validate_ec2_http_url='http://{address}/he alth'"),
    ("validate_ec2", "validate_ec2_http_status_codes", [], "validate_ec2_http_status_codes=[]: names no status code"),
    ("validate_ec2", "validate_ec2_http_status_codes", [99], "validate_ec2_http_status_codes[0]=99: must be between 100 and 599"),
    ("validate_ec2", "validate_ec2_http_status_codes", ["ok"], "validate_ec2_http_status_codes[0]='ok'"),
    ("validate_ec2", "validate_ec2_http_status_codes", ["200", 200], "validate_ec2_http_status_codes=['200', 200]: names 200 twice"),
    ("validate_ec2", "validate_ec2_http_timeout", "0", "validate_ec2_http_timeout='0': must be between 1 and 3600"),
    ("validate_ec2", "validate_ec2_retries", 0, "validate_ec2_retries=0: must be between 1 and 1000"),
    ("validate_ec2", "validate_ec2_retries", "many", "validate_ec2_retries='many': must be a whole number"),
    ("validate_ec2", "validate_ec2_retries", 1001, "validate_ec2_retries=1001"),
    ("validate_ec2", "validate_ec2_delay", "-1", "validate_ec2_delay='-1': must be between 0 and 3600"),
    ("validate_ec2", "validate_ec2_delay", 3601, "validate_ec2_delay=3601"),
    # ---------------------------------------------------------------- restore_testing (the plan)
    ("restore_testing", "restore_testing_project_name", "", "restore_testing_project_name='': is empty"),
    ("restore_testing", "restore_testing_project_name", "My App", "restore_testing_project_name='My App'"),
    ("restore_testing", "restore_testing_environment", "prod/eu", "restore_testing_environment='prod/eu'"),
    ("restore_testing", "restore_testing_plan_name", "app-prod-restore-testing", "restore_testing_plan_name='app-prod-restore-testing'"),
    ("restore_testing", "restore_testing_plan_name", "p" * 51, "restore_testing_plan_name="),
    ("restore_testing", "restore_testing_plan_name", "", "restore_testing_plan_name=''"),
    ("restore_testing", "restore_testing_state", "gone", "restore_testing_state='gone': must be one of present, absent"),
    ("restore_testing", "restore_testing_backup_vault_name", "my vault", "restore_testing_backup_vault_name='my vault'"),
    ("restore_testing", "restore_testing_backup_role_name", "role/backup", "restore_testing_backup_role_name='role/backup'"),
    ("restore_testing", "restore_testing_backup_role_name", "r" * 65, "restore_testing_backup_role_name="),
    ("restore_testing", "restore_testing_schedule_expression", "every sunday", "restore_testing_schedule_expression='every sunday'"),
    ("restore_testing", "restore_testing_schedule_expression", "cron(0 8 * *)", "restore_testing_schedule_expression='cron(0 8 * *)'"),
    ("restore_testing", "restore_testing_schedule_expression", "rate(0 days)", "restore_testing_schedule_expression='rate(0 days)'"),
    ("restore_testing", "restore_testing_schedule_timezone", "Mars/Olympus", "restore_testing_schedule_timezone='Mars/Olympus': not a time zone"),
    ("restore_testing", "restore_testing_start_window_hours", "0", "restore_testing_start_window_hours='0': must be between 1 and 168"),
    ("restore_testing", "restore_testing_start_window_hours", 169, "restore_testing_start_window_hours=169"),
    ("restore_testing", "restore_testing_algorithm", "NEWEST", "restore_testing_algorithm='NEWEST'"),
    ("restore_testing", "restore_testing_selection_window_days", 0, "restore_testing_selection_window_days=0: must be between 1 and 365"),
    ("restore_testing", "restore_testing_selection_window_days", "366", "restore_testing_selection_window_days='366'"),
    ("restore_testing", "restore_testing_validation_window_hours", -4, "restore_testing_validation_window_hours=-4"),
    ("restore_testing", "restore_testing_validation_window_hours", "a day", "restore_testing_validation_window_hours='a day'"),
    ("restore_testing", "restore_testing_resource_types", ["RDS", "DynamoDB"], "restore_testing_resource_types[1]='DynamoDB'"),
    ("restore_testing", "restore_testing_resource_types", ["S3", "S3"], "names 'S3' twice"),
    ("restore_testing", "restore_testing_resource_types", [], "restore_testing_resource_types=[]: names no resource type"),
    ("restore_testing", "restore_testing_db_identifiers", ["app_prod_db"], "restore_testing_db_identifiers[0]='app_prod_db'"),
    ("restore_testing", "restore_testing_db_identifiers", ["app-prod-db", "app-prod-db"], "names 'app-prod-db' twice"),
    ("restore_testing", "restore_testing_db_identifiers", [],
     "restore_testing_db_identifiers=[] and restore_testing_resource_types=['RDS', 'S3']: the RDS selection needs at least one DB instance"),
    ("restore_testing", "restore_testing_tenants", ["1/2"], "restore_testing_tenants[0]='1/2'"),
    ("restore_testing", "restore_testing_tenants", ["1..2"], "restore_testing_tenants[0]='1..2'"),
    ("restore_testing", "restore_testing_tenants", ["Tenant 7"], "restore_testing_tenants[0]='Tenant 7'"),
    ("restore_testing", "restore_testing_tenants", ["t\u00e9"], "restore_testing_tenants[0]='t\u00e9'"),
    ("restore_testing", "restore_testing_tenants", ["1", "1"], "names '1' twice"),
    ("restore_testing", "restore_testing_tenants", ["x" * 60], "restore_testing_tenants[0]="),
    ("restore_testing", "restore_testing_tenants", "1,12", "restore_testing_tenants='1,12': must be a list"),
    ("restore_testing", "restore_testing_rds_metadata_overrides", {"DBInstanceClass": "large"},
     "restore_testing_rds_metadata_overrides.DBInstanceClass='large': not an RDS DB instance class"),
    ("restore_testing", "restore_testing_rds_metadata_overrides", {"KmsKeyId": KEY.replace("us-east-1", "eu-west-1")}, "region eu-west-1"),
    ("restore_testing", "restore_testing_rds_metadata_overrides", "db.t3.micro", "restore_testing_rds_metadata_overrides='db.t3.micro'"),
    ("restore_testing", "restore_testing_ec2_metadata_overrides", {"SubnetId": "subnet-xyz"}, "restore_testing_ec2_metadata_overrides.SubnetId='subnet-xyz'"),
    ("restore_testing", "restore_testing_ec2_metadata_overrides", {"SecurityGroupIds": ["default"]}, "restore_testing_ec2_metadata_overrides.SecurityGroupIds"),
    # ---------------------------------------------------------------- restore_testing (validate)
    ("restore_testing:validate", "restore_testing_project_name", "", "restore_testing_project_name='': is empty"),
    ("restore_testing:validate", "restore_testing_plan_name", "bad-plan", "restore_testing_plan_name='bad-plan'"),
    ("restore_testing:validate", "restore_testing_job_id", "a/b", "restore_testing_job_id='a/b': not a restore job id"),
    ("restore_testing:validate", "restore_testing_job_id", "job 1", "restore_testing_job_id='job 1'"),
    ("restore_testing:validate", "restore_testing_created_after", "2999-01-01T00:00:00Z",
     "restore_testing_created_after='2999-01-01T00:00:00Z': is in the future"),
    ("restore_testing:validate", "restore_testing_created_after", "last week", "restore_testing_created_after='last week': is not a time"),
    ("restore_testing:validate", "restore_testing_created_after", "2026-11-20T05:00:00", "restore_testing_created_after='2026-11-20T05:00:00'"),
    ("restore_testing:validate", "restore_testing_created_before", "soon", "restore_testing_created_before='soon': is not a time"),
    ("restore_testing:validate", "restore_testing_lookback_hours", "0", "restore_testing_lookback_hours='0': must be between 1 and 8784"),
    ("restore_testing:validate", "restore_testing_lookback_hours", 10 ** 6, "restore_testing_lookback_hours=1000000"),
    ("restore_testing:validate", "restore_testing_wait_timeout", -1, "restore_testing_wait_timeout=-1"),
    ("restore_testing:validate", "restore_testing_wait_timeout", "forever", "restore_testing_wait_timeout='forever'"),
    ("restore_testing:validate", "restore_testing_wait_delay", 0, "restore_testing_wait_delay=0: must be between 1 and 3600"),
    ("restore_testing:validate", "restore_testing_mysql_user", "", "restore_testing_mysql_user='': is empty"),
    ("restore_testing:validate", "restore_testing_mysql_password_secret", "db master", "restore_testing_mysql_password_secret='db master'"),
    ("restore_testing:validate", "restore_testing_mysql_database", "sys", "restore_testing_mysql_database='sys': is a system database"),
    ("restore_testing:validate", "restore_testing_mysql_static_tables", ["plans", "plans"], "names 'plans' twice"),
    ("restore_testing:validate", "restore_testing_mysql_live_tables", [{"name": "orders"}], "restore_testing_mysql_live_tables=[{'name': 'orders'}]"),
    ("restore_testing:validate", "restore_testing_mysql_smoke_queries", [{"name": "q"}], "restore_testing_mysql_smoke_queries=[{'name': 'q'}]"),
    ("restore_testing:validate", "restore_testing_mysql_max_staleness_minutes", "-1", "restore_testing_mysql_max_staleness_minutes='-1'"),
    ("restore_testing:validate", "restore_testing_aws_region", "virginia", "restore_testing_aws_region='virginia'"),
    ("restore_testing:validate", "restore_testing_aws_endpoint_url", "4566", "restore_testing_aws_endpoint_url='4566'"),
    ("restore_testing:validate", "restore_testing_s3_critical_keys", ["docs/a", "docs/a"], "names 'docs/a' twice"),
    ("restore_testing:validate", "restore_testing_s3_critical_keys", [""], "restore_testing_s3_critical_keys[0]='': is empty"),
    ("restore_testing:validate", "restore_testing_s3_critical_keys", ["k" * 1025], "is 1025 characters long, at most 1024"),
    ("restore_testing:validate", "restore_testing_s3_min_count_percent", "101", "restore_testing_s3_min_count_percent='101': must be between 0 and 100"),
    ("restore_testing:validate", "restore_testing_s3_min_count_percent", -1, "restore_testing_s3_min_count_percent=-1"),
    ("restore_testing:validate", "restore_testing_ec2_retries", "0", "restore_testing_ec2_retries='0'"),
    ("restore_testing:validate", "restore_testing_ec2_delay", 3601, "restore_testing_ec2_delay=3601"),
    # ---------------------------------------------------------------- backup_health
    ("backup_health", "backup_health_rpo_hours", 0, "backup_health_rpo_hours=0: must be greater than 0"),
    ("backup_health", "backup_health_rpo_hours", "0", "backup_health_rpo_hours='0': must be greater than 0"),
    ("backup_health", "backup_health_rpo_hours", -1, "backup_health_rpo_hours=-1"),
    ("backup_health", "backup_health_rpo_hours", "a day", "backup_health_rpo_hours='a day': must be a finite number"),
    ("backup_health", "backup_health_rpo_hours", 10 ** 6, "backup_health_rpo_hours=1000000: must be at most 8784"),
    ("backup_health", "backup_health_project_name", "", "backup_health_project_name='': is empty"),
    ("backup_health", "backup_health_project_name", "My_App", "backup_health_project_name='My_App'"),
    ("backup_health", "backup_health_environment", "prod env", "backup_health_environment='prod env'"),
    ("backup_health", "backup_health_backup_vault_name", "my vault", "backup_health_backup_vault_name='my vault'"),
    ("backup_health", "backup_health_backup_vault_name", "", "backup_health_backup_vault_name='': is empty"),
    ("backup_health", "backup_health_backup_plan_name", "plan/1", "backup_health_backup_plan_name='plan/1': not a backup plan name"),
    ("backup_health", "backup_health_backup_plan_name", "p" * 51, "backup_health_backup_plan_name="),
    ("backup_health", "backup_health_backup_plan_name", "", "backup_health_backup_plan_name='': is empty"),
    ("backup_health", "backup_health_since", "yesterday", "backup_health_since='yesterday': is not a time"),
    ("backup_health", "backup_health_since", "2027-01-01T00:00:00Z", "backup_health_since='2027-01-01T00:00:00Z': is in the future"),
    ("backup_health", "backup_health_until", "tomorrow", "backup_health_until='tomorrow': is not a time"),
    ("backup_health", "backup_health_job_states", ["FAILED", "LOST"], "backup_health_job_states[1]='LOST': must be one of FAILED, ABORTED, EXPIRED, PARTIAL"),
    ("backup_health", "backup_health_job_states", ["FAILED", "FAILED"], "names 'FAILED' twice"),
    ("backup_health", "backup_health_job_states", [], "backup_health_job_states=[]: names no job state"),
    ("backup_health", "backup_health_resource_types", ["RDS", "EFS"], "backup_health_resource_types[1]='EFS': must be one of RDS, S3, EC2"),
    ("backup_health", "backup_health_resource_types", ["S3", "S3"], "names 'S3' twice"),
    ("backup_health", "backup_health_tag_key", "", "backup_health_tag_key='': is empty"),
    ("backup_health", "backup_health_tag_key", "k" * 129, "is 129 characters long, at most 128"),
    ("backup_health", "backup_health_tag_value", "v" * 257, "a tag value has at most 256"),
    ("backup_health", "backup_health_tag_value", ["true"], "backup_health_tag_value=['true']: must be a string"),
    ("backup_health", "backup_health_sns_topic_arn", "monitoring", "backup_health_sns_topic_arn='monitoring'"),
    ("backup_health", "backup_health_sns_topic_arn", TOPIC.replace(":sns:", ":sqs:"), "an ARN of service 'sqs', not an SNS topic ARN"),
    ("backup_health", "backup_health_sns_topic_arn", TOPIC.replace("us-east-1", "eu-west-1"), "an ARN of region eu-west-1, but this runs in us-east-1"),
    ("backup_health", "backup_health_policy", {"rules": [dict(DAILY, delete_after_days=0)]},
     "backup_health_policy.rules[0].delete_after_days=0: must be at least 1"),
    ("backup_health", "backup_health_policy", {"rules": [DAILY, DAILY]}, "backup_health_policy.rules[].name=['daily', 'daily']: names 'daily' twice"),
    ("backup_health", "backup_health_policy", {"rules": [{"name": "daily", "schedule": "cron(0 5 * * ? *)"}]},
     "backup_health_policy.rules[0].delete_after_days=None: must be a whole number"),
    ("backup_health", "backup_health_policy", {"rules": [], "rds_backup_window": "3:00-4:00"}, "backup_health_policy.rds_backup_window='3:00-4:00'"),
    ("backup_health", "backup_health_policy", {"rules": [], "rds_backup_retention_days": 36}, "backup_health_policy.rds_backup_retention_days=36"),
    ("backup_health", "backup_health_policy", {"rules": [], "vault_customer_managed_key": "perhaps"},
     "backup_health_policy.vault_customer_managed_key='perhaps': must be true or false"),
    ("backup_health", "backup_health_policy", {"rule": []}, "backup_health_policy={'rule': []}: has unknown keys rule"),
    # ---------------------------------------------------------------- playbooks/rds_restore.yml
    ("rds_restore.yml", "rds_restore_mode", "swap", "rds_restore_mode='swap': must be one of new, in_place"),
    ("rds_restore.yml", "rds_restore_validate", "maybe", "rds_restore_validate='maybe': must be true or false"),
    ("rds_restore.yml", "rds_restore_validate_static_tables", ["plans", "plans"], "rds_restore_validate_static_tables=['plans', 'plans']: names 'plans' twice"),
    ("rds_restore.yml", "rds_restore_validate_static_tables", "plans", "rds_restore_validate_static_tables='plans': must be a list"),
    ("rds_restore.yml", "rds_restore_validate_live_tables", [{"name": "orders", "tolerance_percent": 150}],
     "rds_restore_validate_live_tables=[{'name': 'orders', 'tolerance_percent': 150}]"),
    ("rds_restore.yml", "rds_restore_validate_smoke_queries", [{"name": "q", "sql": "SELECT 1"}], "rds_restore_validate_smoke_queries="),
    ("rds_restore.yml", "rds_restore_validate_password_secret", "db master", "rds_restore_validate_password_secret='db master'"),
    ("validate_mysql:settings", "validate_mysql_parallelism", "0", "validate_mysql_parallelism='0'"),
    ("validate_mysql:settings", "validate_mysql_connect_timeout", "soon", "validate_mysql_connect_timeout='soon'"),
    ("validate_mysql:settings", "validate_mysql_max_staleness_minutes", -1, "validate_mysql_max_staleness_minutes=-1"),
    ("validate_mysql:settings", "validate_mysql_source_database", "mysql", "validate_mysql_source_database='mysql'"),
    ("validate_mysql:settings", "validate_mysql_source_password_secret", "db master", "validate_mysql_source_password_secret='db master'"),
    ("validate_ec2:settings", "validate_ec2_retries", "0", "validate_ec2_retries='0'"),
    ("validate_ec2:settings", "validate_ec2_delay", "-1", "validate_ec2_delay='-1'"),
    ("validate_ec2:settings", "validate_ec2_http_url", "ftp://app", "validate_ec2_http_url='ftp://app'"),
    ("validate_ec2:settings", "validate_ec2_target_group_arns", ["arn:aws:sns:us-east-1:123456789012:topic"], "validate_ec2_target_group_arns"),
    ("rds_restore.yml", "rds_restore_validate_password_secret", SECRET_ARN.replace("123456789012", "12345"),
     "rds_restore_validate_password_secret='%s': not a Secrets Manager secret ARN" % SECRET_ARN.replace("123456789012", "12345")),
]


@pytest.mark.parametrize("role, variable, value, message", BAD, ids=["%s-%s-%r" % (b[1], i, b[2])[:60] for i, b in enumerate(BAD)])
def test_bad_values_are_refused_naming_the_variable_and_value(role, variable, value, message):
    checked = run(role, **{variable: value})
    assert any(message in error for error in checked.errors), checked.errors
    assert any(error.startswith(variable) or (" and %s=" % variable) in error for error in checked.errors), checked.errors
    assert checked.message(role).startswith("Bad input for %s, nothing was changed: " % role)


@pytest.mark.parametrize("role, secret", [
    ("validate_mysql", "validate_mysql_password"), ("validate_mysql", "validate_mysql_source_password"),
    ("restore_testing:validate", "restore_testing_mysql_password"), ("rds_restore.yml", "rds_restore_validate_password"),
])
def test_a_password_is_read_but_never_shown(role, secret):
    """check_inputs returns the values it read (shown with -v): a password is there only as hidden, and a bad one is
    named without its value."""
    good = run(role, **{secret: "Pr0d-Passw0rd!"})
    assert good.errors == []
    assert "Pr0d-Passw0rd!" not in repr(good.values) and good.values[secret] == common.HIDDEN
    bad = run(role, **{secret: {"password": "Pr0d-Passw0rd!"}})
    assert bad.errors == ["%s must be a string (its value is not shown)" % secret]
    assert "Pr0d-Passw0rd!" not in bad.message(role) + repr(bad.values)
    assert run(role, **{secret: 12345}).errors == [], "a numeric password (JSON -e) is a password"


def test_numbers_as_dash_e_and_awx_surveys_give_them():
    mysql = run("validate_mysql", validate_mysql_port="3307", validate_mysql_parallelism="8", validate_mysql_max_staleness_minutes="90.5",
                validate_mysql_live_tables=[{"name": "orders", "tolerance_percent": "20"}])
    assert mysql.errors == []
    assert (mysql.values["validate_mysql_port"], mysql.values["validate_mysql_parallelism"]) == (3307, 8)
    assert mysql.values["validate_mysql_max_staleness_minutes"] == 90.5
    ec2 = run("validate_ec2", validate_ec2_retries="5", validate_ec2_delay="0", validate_ec2_http_status_codes=["200", "204"])
    assert ec2.errors == [] and ec2.values["validate_ec2_retries"] == 5 and ec2.values["validate_ec2_http_status_codes"] == [200, 204]
    plan = run("restore_testing", restore_testing_start_window_hours="24", restore_testing_selection_window_days="30",
               restore_testing_validation_window_hours="4", restore_testing_tenants=[1, "12"])
    assert plan.errors == [] and plan.values["restore_testing_selection_window_days"] == 30
    jobs = run("restore_testing:validate", restore_testing_lookback_hours="48", restore_testing_wait_timeout="600",
               restore_testing_s3_min_count_percent="90", restore_testing_mysql_max_staleness_minutes="60.5")
    assert jobs.errors == [] and jobs.values["restore_testing_wait_timeout"] == 600
    health_ = run("backup_health", backup_health_rpo_hours="80", backup_health_resource_types="RDS, S3",
                  backup_health_policy={"rules": [dict(DAILY, delete_after_days="30")], "rds_backup_retention_days": "1"})
    assert health_.errors == [] and health_.values["backup_health_rpo_hours"] == 80.0
    assert health_.values["backup_health_policy"]["rules"][0]["delete_after_days"] == 30


def test_what_validates_and_with_what_contradicts():
    nothing = run("validate_ec2", validate_ec2_group_name="", validate_ec2_instance_ids=[])
    assert nothing.errors == ["validate_ec2_group_name='' and validate_ec2_instance_ids=[]: name the autoscaling group, the "
                              "instances (i-...), or both: there is nothing to validate"]
    assert run("validate_ec2", validate_ec2_group_name="", validate_ec2_instance_ids=["i-0123456789abcdef0"]).errors == []
    no_source = run("validate_mysql", validate_mysql_source_host="", validate_mysql_source_user="readonly", validate_mysql_source_database="app2")
    assert [error.split(":")[0] for error in no_source.errors] == [
        "validate_mysql_source_user='readonly' and validate_mysql_source_host=''",
        "validate_mysql_source_database='app2' and validate_mysql_source_host=''"]
    # Freshness needs the recovery point; without a source or a baseline nothing is compared, so none is needed.
    fresh = run("validate_mysql", validate_mysql_recovery_point_time="")
    assert fresh.errors == ["validate_mysql_recovery_point_time='': is empty, but validate_mysql_live_tables declare a "
                            "timestamp_column, whose freshness is measured against the recovery point"]
    assert run("validate_mysql", validate_mysql_recovery_point_time="", validate_mysql_source_host="").errors == []
    window = run("restore_testing:validate", restore_testing_created_after="2026-11-24T00:00:00Z", restore_testing_created_before="2026-11-23T00:00:00Z")
    assert window.errors == ["restore_testing_created_after='2026-11-24T00:00:00Z' and restore_testing_created_before='2026-11-23T00:00:00Z': "
                             "restore_testing_created_after must be at or before restore_testing_created_before"]
    one_job = run("restore_testing:validate", restore_testing_job_id="0D2C3E4F-1A2B-4C5D-8E9F-0A1B2C3D4E5F", restore_testing_created_after="-1d")
    assert one_job.errors == ["restore_testing_job_id='0D2C3E4F-1A2B-4C5D-8E9F-0A1B2C3D4E5F' and restore_testing_created_after='-1d': "
                              "validate either one job (restore_testing_job_id) or the jobs of a window, not both"]
    # Removing the plan needs no resource type and no database.
    assert run("restore_testing", restore_testing_state="absent", restore_testing_resource_types=[], restore_testing_db_identifiers=[]).errors == []
    assert run("restore_testing", restore_testing_resource_types=["S3"], restore_testing_db_identifiers=[]).errors == []
    health_ = run("backup_health", backup_health_since="2026-11-24T00:00:00Z", backup_health_until="2026-11-23T00:00:00Z")
    assert health_.errors == ["backup_health_since='2026-11-24T00:00:00Z' and backup_health_until='2026-11-23T00:00:00Z': "
                              "backup_health_since must be at or before backup_health_until"]


def test_no_database_means_every_user_database():
    assert run("validate_mysql", validate_mysql_database="").errors == []
    assert run("validate_mysql", validate_mysql_database=None).errors == []


def test_a_secret_of_this_region_by_arn_and_a_dotted_tenant():
    assert run("validate_mysql", validate_mysql_password_secret=SECRET_ARN).errors == []
    # The secret lives where validate_mysql_aws_region says, when it says.
    there = run("validate_mysql", validate_mysql_password_secret=SECRET_ARN.replace("us-east-1", "eu-west-1"), validate_mysql_aws_region="eu-west-1")
    assert there.errors == []
    dotted = run("restore_testing", restore_testing_tenants=["1.2"])
    assert dotted.errors == [] and len(dotted.warnings) == 1 and "1.2" in dotted.warnings[0]
    assert run("backup_health", backup_health_sns_topic_arn=TOPIC).errors == []


def test_every_bad_variable_is_named_at_once():
    checked = run("backup_health", backup_health_rpo_hours=-1, backup_health_tag_key="", backup_health_sns_topic_arn="x")
    assert [error.split("=")[0] for error in checked.errors] == ["backup_health_rpo_hours", "backup_health_tag_key", "backup_health_sns_topic_arn"]
    checked = run("validate_ec2", validate_ec2_instance_ids=["i-x"], validate_ec2_retries=0, validate_ec2_http_url="x")
    assert len(checked.errors) == 3


# The evaluation does not know the region (the SNS topic's is checked before), nor reads the job states (backup_job_info does).
EVALUATED = [(b[1], b[2]) for b in BAD if b[0] == "backup_health" and b[1] != "backup_health_job_states" and "region" not in b[3]]


@pytest.mark.parametrize("variable, value", EVALUATED)
def test_backup_health_evaluation_refuses_what_its_input_check_refuses(variable, value):
    """One rule per variable: the role's first task and the evaluation (filter restorekit.aws.backup_health) refuse the
    same values with the same message."""
    checked = run("backup_health", **{variable: value})
    settings = {key[len(health.PREFIX):]: item for key, item in dict(validate.EXAMPLES["backup_health"], **{variable: value}).items()}
    with pytest.raises(InputError) as caught:
        health.settings(settings, NOW)
    assert caught.value.message.replace("Bad option ", "", 1) in checked.errors
