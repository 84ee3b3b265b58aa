"""Tests for emulator.shapes: response bodies (and request parameters) checked against botocore's models.

Every check has a test that feeds a value breaking only that check and asserts the exact problem, beside a value that
passes it: removing the check, or making it reject good values, fails a test.
"""

import datetime
import io
import threading

import botocore.session
import pytest

from emulator import shapes

RP_ARN = 'arn:aws:backup:eu-west-1:123456789012:recovery-point:1EB3B5E7-9EB0-435A-A80B-108B488B0D45'
VAULT_ARN = 'arn:aws:backup:eu-west-1:123456789012:backup-vault:restorekit'
ROLE_ARN = 'arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole'
RECOVERY_POINT_STATUSES = ['COMPLETED', 'PARTIAL', 'DELETING', 'EXPIRED', 'AVAILABLE', 'STOPPED', 'CREATING']


def describe_restore_job():
    """Return a complete, valid DescribeRestoreJob body, built by hand from the botocore model (every member set)."""
    return {
        'AccountId': '123456789012',
        'RestoreJobId': '52BEE289-C2AC-1F0C-3C2D-3B7DB6E0B25F',
        'RecoveryPointArn': RP_ARN,
        'SourceResourceArn': 'arn:aws:s3:::restorekit-source',
        'BackupVaultArn': VAULT_ARN,
        'CreationDate': 1714415438.123,
        'CompletionDate': 1714419038,
        'Status': 'COMPLETED',
        'StatusMessage': 'Restore completed',
        'PercentDone': '100.00%',
        'BackupSizeInBytes': 123456789,
        'IamRoleArn': ROLE_ARN,
        'ExpectedCompletionTimeMinutes': 12,
        'CreatedResourceArn': 'arn:aws:s3:::restorekit-restored',
        'ResourceType': 'S3',
        'RecoveryPointCreationDate': '2024-04-29T18:30:38.000Z',
        'CreatedBy': {'RestoreTestingPlanArn': 'arn:aws:backup:eu-west-1:123456789012:restore-testing-plan:nightly-abc'},
        'ValidationStatus': 'SUCCESSFUL',
        'ValidationStatusMessage': 'Validated',
        'DeletionStatus': 'SUCCESSFUL',
        'DeletionStatusMessage': 'Deleted',
        'IsParent': False,
        'ParentJobId': 'A4DE9F5A-3D6E-4C5F-8F0B-56F1D5B1E2C3',
    }


def recovery_point(**changes):
    """Return a valid RecoveryPointByBackupVault (a ListRecoveryPointsByBackupVault item), with ``changes`` applied."""
    item = {
        'RecoveryPointArn': RP_ARN,
        'BackupVaultName': 'restorekit',
        'BackupVaultArn': VAULT_ARN,
        'ResourceArn': 'arn:aws:s3:::restorekit-source',
        'ResourceType': 'S3',
        'CreatedBy': {'BackupPlanId': 'plan-1', 'BackupRuleId': 'rule-1'},
        'IamRoleArn': ROLE_ARN,
        'Status': 'COMPLETED',
        'CreationDate': 1714415438,
        'CompletionDate': 1714415538.5,
        'BackupSizeInBytes': 2048,
        'Lifecycle': {'DeleteAfterDays': 35, 'OptInToArchiveForSupportedResources': False},
        'IsEncrypted': True,
        'IsParent': False,
    }
    item.update(changes)
    return item


def recovery_points(*items):
    """Return a ListRecoveryPointsByBackupVault body holding ``items`` (four valid ones by default)."""
    return {'RecoveryPoints': list(items) if items else [recovery_point(RecoveryPointArn=f'{RP_ARN}-{index}') for index in range(4)], 'NextToken': 'token-2'}


def model(service):
    """Return botocore's model of ``service``, loaded independently of the module under test."""
    return botocore.session.get_session().get_service_model(service)


def problems_of(operation, body, service='backup', headers=None):
    """Validate ``body`` as the output of ``operation`` and return the problems."""
    return shapes.validate_output(service, operation, body, headers)


def test_valid_describe_restore_job_passes():
    """A hand-built body that sets every member of DescribeRestoreJobOutput validates cleanly."""
    body = describe_restore_job()
    assert set(body) == set(model('backup').operation_model('DescribeRestoreJob').output_shape.members)
    assert not problems_of('DescribeRestoreJob', body)
    shapes.assert_valid_output('backup', 'DescribeRestoreJob', body)


def test_valid_list_bodies_pass():
    """Valid list, map and nested bodies raise no problem (so the failures below come from the broken value only)."""
    assert not problems_of('ListRecoveryPointsByBackupVault', recovery_points())
    assert not problems_of('ListRecoveryPointsByBackupVault', {'RecoveryPoints': []})
    assert not problems_of('DescribeBackupJob', {'BackupJobId': 'job-1', 'State': 'RUNNING', 'PercentDone': '42.0',
                                                 'BackupOptions': {'WindowsVSS': 'enabled'},
                                                 'ChildJobsInState': {'RUNNING': 2, 'COMPLETED': 3}})


def test_missing_required_member_is_named():
    """A required member that is absent or null is reported by name; the complete body passes."""
    assert not problems_of('StartScanJob', {'CreationDate': 1714415438, 'ScanJobId': 'scan-1'})
    assert problems_of('StartScanJob', {'CreationDate': 1714415438}) == ['ScanJobId: required member of StartScanJobOutput is missing']
    assert problems_of('StartScanJob', {'CreationDate': 1714415438, 'ScanJobId': None}) == [
        'ScanJobId: required member of StartScanJobOutput is null']
    assert problems_of('ListScanJobs', {}) == ['ScanJobs: required member of ListScanJobsOutput is missing']


def test_missing_nested_required_member_has_its_path():
    """Required members are checked at every depth, with the full path."""
    plan = {'CreationTime': 1714415438, 'RecoveryPointSelection': {}, 'RestoreTestingPlanArn': 'arn:plan',
            'RestoreTestingPlanName': 'nightly', 'ScheduleExpression': 'cron(0 1 * * ? *)'}
    assert not problems_of('GetRestoreTestingPlan', {'RestoreTestingPlan': plan})
    del plan['ScheduleExpression']
    assert problems_of('GetRestoreTestingPlan', {'RestoreTestingPlan': plan}) == [
        'RestoreTestingPlan.ScheduleExpression: required member of RestoreTestingPlanForGet is missing']


@pytest.mark.parametrize('status', RECOVERY_POINT_STATUSES)
def test_every_recovery_point_status_passes(status):
    """Each value of the RecoveryPointStatus enum is accepted."""
    assert not problems_of('ListRecoveryPointsByBackupVault', recovery_points(recovery_point(Status=status)))


def test_value_outside_enum_fails_with_path():
    """RecoveryPoints[3].Status = 'DONE' is not a RecoveryPointStatus."""
    body = recovery_points()
    body['RecoveryPoints'][3]['Status'] = 'DONE'
    assert problems_of('ListRecoveryPointsByBackupVault', body) == [f"RecoveryPoints[3].Status: 'DONE' not in enum {RECOVERY_POINT_STATUSES}"]


def test_enum_of_another_job_kind_fails():
    """A restore job status is a RestoreJobStatus, not a BackupJobState: 'CREATED' is a backup job state only."""
    body = describe_restore_job()
    body['Status'] = 'CREATED'
    assert problems_of('DescribeRestoreJob', body) == [
        "Status: 'CREATED' not in enum ['PENDING', 'RUNNING', 'COMPLETED', 'ABORTED', 'FAILED']"]


@pytest.mark.parametrize('member,value,problem', [
    ('PercentDone', 50, 'PercentDone: expected string (str), got int 50'),
    ('PercentDone', 50.0, 'PercentDone: expected string (str), got float 50.0'),
    ('BackupSizeInBytes', '12', "BackupSizeInBytes: expected long (int), got str '12'"),
    ('BackupSizeInBytes', 12.0, 'BackupSizeInBytes: expected long (int), got float 12.0'),
    ('BackupSizeInBytes', True, 'BackupSizeInBytes: expected long (int), got bool True'),
    ('IsParent', 'true', "IsParent: expected boolean (bool), got str 'true'"),
    ('IsParent', 1, 'IsParent: expected boolean (bool), got int 1'),
    ('AccountId', 123456789012, 'AccountId: expected string (str), got int 123456789012'),
    ('CreatedBy', 'plan', "CreatedBy: expected structure (dict), got str 'plan'"),
])
def test_wrong_scalar_type_is_reported(member, value, problem):
    """A value of the wrong type is reported with its path, type and value."""
    body = describe_restore_job()
    body[member] = value
    assert problems_of('DescribeRestoreJob', body) == [problem]


def test_boolean_given_as_string_true_fails():
    """The JSON string "true" is not a boolean; the boolean true is."""
    body = describe_restore_job()
    body['IsParent'] = True
    assert not problems_of('DescribeRestoreJob', body)
    body['IsParent'] = 'true'
    assert problems_of('DescribeRestoreJob', body) == ["IsParent: expected boolean (bool), got str 'true'"]


def test_unknown_member_is_reported_at_any_depth():
    """Members the shape does not define are reported, at the top and inside nested structures, with a case hint."""
    body = describe_restore_job()
    body['Foo'] = 1
    body['CreatedBy']['BackupPlanId'] = 'plan-1'
    assert problems_of('DescribeRestoreJob', body) == [
        'CreatedBy.BackupPlanId: unknown member of RestoreJobCreator',
        'Foo: unknown member of DescribeRestoreJobOutput',
    ]
    assert problems_of('ListRecoveryPointsByBackupVault', {'RecoveryPoints': [], 'nextToken': 'x'}) == [
        "nextToken: unknown member of ListRecoveryPointsByBackupVaultOutput (did you mean 'NextToken'?)"]


def test_null_optional_member_is_accepted_but_null_list_item_is_not():
    """A null optional member reads as absent (as botocore parses it); a null inside a list is a problem."""
    body = describe_restore_job()
    body['StatusMessage'] = None
    assert not problems_of('DescribeRestoreJob', body)
    assert problems_of('ListRecoveryPointsByBackupVault', {'RecoveryPoints': [recovery_point(), None]}) == [
        'RecoveryPoints[1]: null is not a valid structure']


@pytest.mark.parametrize('value', [
    1714415438, 1714415438.123, 0, '2024-04-29T18:30:38Z', '2024-04-29T18:30:38.123456789Z', '2024-04-29T18:30:38+02:00',
    '2024-04-29T18:30:38.5+0000', '2024-04-29',
])
def test_good_timestamps_pass(value):
    """Epoch numbers and ISO 8601 strings are both accepted for a timestamp."""
    body = describe_restore_job()
    body['CreationDate'] = value
    assert not problems_of('DescribeRestoreJob', body)


@pytest.mark.parametrize('value,problem', [
    ('yesterday', "'yesterday' is not an ISO 8601 timestamp"),
    ('1714415438', "'1714415438' is not an ISO 8601 timestamp"),
    ('2024-13-01T00:00:00Z', "'2024-13-01T00:00:00Z' is not an ISO 8601 timestamp"),
    ('Mon, 29 Apr 2024 18:30:38 GMT', "'Mon, 29 Apr 2024 18:30:38 GMT' is not an ISO 8601 timestamp"),
    (True, 'expected timestamp (epoch seconds or ISO 8601 string), got bool True'),
    ([1714415438], 'expected timestamp (epoch seconds or ISO 8601 string), got list [1714415438]'),
    (float('inf'), 'inf is not a finite epoch timestamp'),
    (datetime.datetime(2024, 4, 29), 'expected timestamp (epoch seconds or ISO 8601 string), got datetime datetime.datetime(2024, 4, 29, 0, 0)'),
])
def test_bad_timestamps_fail(value, problem):
    """Anything but an epoch number or a real ISO 8601 instant is rejected (a datetime never crosses a JSON wire)."""
    body = describe_restore_job()
    body['CreationDate'] = value
    assert problems_of('DescribeRestoreJob', body) == [f'CreationDate: {problem}']


def test_nested_list_errors_have_their_path():
    """Problems inside list items carry the item index and the nested member path."""
    body = recovery_points(recovery_point(), recovery_point(Lifecycle={'DeleteAfterDays': '35'}, BackupSizeInBytes='12'), 'not-a-point')
    assert problems_of('ListRecoveryPointsByBackupVault', body) == [
        "RecoveryPoints[1].BackupSizeInBytes: expected long (int), got str '12'",
        "RecoveryPoints[1].Lifecycle.DeleteAfterDays: expected long (int), got str '35'",
        "RecoveryPoints[2]: expected structure (dict), got str 'not-a-point'",
    ]
    assert problems_of('ListRecoveryPointsByBackupVault', {'RecoveryPoints': recovery_point()}) == [
        'RecoveryPoints: expected list, got dict ' + shapes._short(recovery_point())]  # pylint: disable=protected-access


def test_nested_map_errors_have_their_path():
    """Map values are checked against the value shape, map keys against the key shape (here an enum)."""
    body = {'BackupJobId': 'job-1', 'BackupOptions': {'WindowsVSS': 5}, 'ChildJobsInState': {'DONE': 3, 'RUNNING': '2'}}
    assert problems_of('DescribeBackupJob', body) == [
        "BackupOptions['WindowsVSS']: expected string (str), got int 5",
        "ChildJobsInState key 'DONE': 'DONE' not in enum ['CREATED', 'PENDING', 'RUNNING', 'ABORTING', 'ABORTED', 'COMPLETED', 'FAILED', 'EXPIRED', "
        "'PARTIAL']",
        "ChildJobsInState['RUNNING']: expected long (int), got str '2'",
    ]
    assert problems_of('DescribeBackupJob', {'BackupOptions': [('WindowsVSS', 'enabled')]}) == [
        "BackupOptions: expected map (dict), got list [('WindowsVSS', 'enabled')]"]
    assert problems_of('DescribeBackupJob', {'BackupOptions': {1: 'enabled'}}) == ["BackupOptions[1]: map key 1 is not a string"]


def test_percent_done_is_a_string_in_every_job_output():
    """PercentDone is a string shape wherever it appears: backup and restore jobs, described and listed."""
    assert not problems_of('ListBackupJobs', {'BackupJobs': [{'BackupJobId': 'b', 'State': 'RUNNING', 'PercentDone': '12.5'}]})
    assert problems_of('ListBackupJobs', {'BackupJobs': [{'BackupJobId': 'b', 'PercentDone': 12.5}]}) == [
        'BackupJobs[0].PercentDone: expected string (str), got float 12.5']
    assert problems_of('ListRestoreJobs', {'RestoreJobs': [{'RestoreJobId': 'r', 'PercentDone': 100}]}) == [
        'RestoreJobs[0].PercentDone: expected string (str), got int 100']


def access_point(name):
    """Return a valid DescribeBackupAccessPoint body but for ``name`` (an AccessPointName: 3 to 50 characters)."""
    return {'AccessPointArn': 'arn:ap', 'BackupVaultName': 'restorekit', 'CreationTime': 1714415438, 'Name': name,
            'RecoveryPointArn': RP_ARN, 'ResourceArn': 'arn:aws:s3:::restorekit-source', 'ResourceType': 'S3', 'Status': 'AVAILABLE'}


def test_string_length_bounds():
    """A string's length must lie within the shape's min and max."""
    assert not problems_of('DescribeBackupAccessPoint', access_point('abc'))
    assert not problems_of('DescribeBackupAccessPoint', access_point('a' * 50))
    assert problems_of('DescribeBackupAccessPoint', access_point('ab')) == ['Name: length 2 is below the minimum 3']
    assert problems_of('DescribeBackupAccessPoint', access_point('a' * 51)) == ['Name: length 51 is above the maximum 50']


def test_list_item_count_bounds():
    """A list's item count must lie within the shape's min and max (ScanResults holds at most 5)."""
    results = [{'MalwareScanner': 'GUARDDUTY', 'ScanJobState': 'COMPLETED', 'LastScanTimestamp': 1714415438}] * 5
    assert not problems_of('DescribeRecoveryPoint', {'ScanResults': results})
    assert problems_of('DescribeRecoveryPoint', {'ScanResults': results + results[:1]}) == ['ScanResults: item count 6 is above the maximum 5']
    assert problems_of('DescribeRecoveryPoint', {'ScanResults': [{'ScanJobState': 'DONE'}]}) == [
        "ScanResults[0].ScanJobState: 'DONE' not in enum ['COMPLETED', 'COMPLETED_WITH_ISSUES', 'FAILED', 'CANCELED']"]


def tiering(days):
    """Return a GetTieringConfiguration body whose one resource selection tiers down after ``days`` (60 to 36500)."""
    selection = {'Resources': ['*'], 'TieringDownSettingsInDays': days, 'ResourceType': 'S3'}
    return {'TieringConfiguration': {'TieringConfigurationName': 'tiers', 'BackupVaultName': 'restorekit', 'ResourceSelection': [selection]}}


def test_integer_value_bounds():
    """An integer must lie within the shape's min and max."""
    assert not problems_of('GetTieringConfiguration', tiering(60))
    assert not problems_of('GetTieringConfiguration', tiering(36500))
    assert problems_of('GetTieringConfiguration', tiering(59)) == [
        'TieringConfiguration.ResourceSelection[0].TieringDownSettingsInDays: value 59 is below the minimum 60']
    assert problems_of('GetTieringConfiguration', tiering(36501)) == [
        'TieringConfiguration.ResourceSelection[0].TieringDownSettingsInDays: value 36501 is above the maximum 36500']


def test_integer_must_fit_its_width():
    """An integer shape holds 32 bits and a long 64, even without min/max in the model."""
    assert not problems_of('DescribeDBSnapshots', {'DBSnapshots': [{'PercentProgress': 2 ** 31 - 1, 'FullSnapshotSizeInBytes': 2 ** 40}]}, 'rds')
    assert problems_of('DescribeDBSnapshots', {'DBSnapshots': [{'PercentProgress': 2 ** 31}]}, 'rds') == [
        'DBSnapshots[0].PercentProgress: 2147483648 does not fit in a integer (-2147483648..2147483647)']
    assert problems_of('DescribeDBSnapshots', {'DBSnapshots': [{'FullSnapshotSizeInBytes': 2 ** 63}]}, 'rds') == [
        'DBSnapshots[0].FullSnapshotSizeInBytes: 9223372036854775808 does not fit in a long (-9223372036854775808..9223372036854775807)']


@pytest.mark.parametrize('value', [1, 0.5, 'NaN', 'Infinity', '-Infinity'])
def test_double_accepts_numbers(value):
    """A double is an int or a float (or, on a JSON wire, one of the strings JSON uses for non-finite numbers)."""
    assert not problems_of('GetItem', {'ConsumedCapacity': {'CapacityUnits': value}}, 'dynamodb')


@pytest.mark.parametrize('value', ['0.5', True, None])
def test_double_rejects_other_values(value):
    """A numeric string, a bool or a null is not a double."""
    problems = problems_of('GetItem', {'ConsumedCapacity': {'TableName': 't', 'CapacityUnits': value}}, 'dynamodb')
    assert problems == ([] if value is None else [f'ConsumedCapacity.CapacityUnits: expected double (int or float), got {type(value).__name__} {value!r}'])


def test_blob_is_a_base64_string():
    """On a JSON wire a blob is a base64 string: bytes, numbers and non-base64 text are rejected."""
    assert not problems_of('Decrypt', {'KeyId': 'k', 'Plaintext': 'aGVsbG8='}, 'kms')
    assert problems_of('Decrypt', {'Plaintext': 'hello world!'}, 'kms') == ["Plaintext: 'hello world!' is not valid base64"]
    assert problems_of('Decrypt', {'Plaintext': b'hello'}, 'kms') == ["Plaintext: expected blob (base64 str), got bytes b'hello'"]
    assert problems_of('Decrypt', {'Plaintext': 5}, 'kms') == ['Plaintext: expected blob (base64 str), got int 5']


def test_rest_json_members_use_their_wire_name():
    """A rest-json member renamed by locationName is keyed by that name in the body (API Gateway's items -> item)."""
    assert not problems_of('GetRestApis', {'item': [{'id': 'a1', 'name': 'api'}], 'position': 'p'}, 'apigateway')
    assert problems_of('GetRestApis', {'items': []}, 'apigateway') == [
        "items: unknown member of RestApis (member 'items' is named 'item' on the wire)"]


def test_xml_protocols_use_member_names():
    """Query (RDS, STS) bodies are checked in botocore's parsed form, keyed by member name, with their constraints."""
    snapshot = {'DBSnapshotIdentifier': 'snap-1', 'SnapshotCreateTime': '2024-04-29T18:30:38.000Z', 'AllocatedStorage': 20,
                'Encrypted': True, 'TagList': [{'Key': 'app', 'Value': 'restorekit'}]}
    assert not problems_of('DescribeDBSnapshots', {'DBSnapshots': [snapshot], 'Marker': 'm'}, 'rds')
    assert problems_of('DescribeDBSnapshots', {'DBSnapshots': [dict(snapshot, Encrypted='true', Colour='red')]}, 'rds') == [
        "DBSnapshots[0].Encrypted: expected boolean (bool), got str 'true'", 'DBSnapshots[0].Colour: unknown member of DBSnapshot']
    assert problems_of('GetCallerIdentity', {'Arn': 'arn:aws:iam::1:root'}, 'sts') == ['Arn: length 19 is below the minimum 20']


def test_operation_without_output_takes_an_empty_body():
    """DeleteBackupVault answers with an empty body."""
    assert not problems_of('DeleteBackupVault', None)
    assert not problems_of('DeleteBackupVault', {})
    assert problems_of('DeleteBackupVault', {'BackupVaultName': 'v'}) == [
        "<body>: DeleteBackupVault has no output, so the body must be empty; got {'BackupVaultName': 'v'}"]


def test_body_must_be_a_structure():
    """The top-level body of a structure output is a JSON object; ``None`` stands for an empty one."""
    assert problems_of('DescribeRestoreJob', ['x']) == ["<body>: expected structure (dict), got list ['x']"]
    assert problems_of('StartScanJob', None) == ['CreationDate: required member of StartScanJobOutput is missing',
                                                 'ScanJobId: required member of StartScanJobOutput is missing']


def test_header_members_are_checked_only_in_headers():
    """Header-bound members must not be in the body; given headers are converted from their wire strings and checked."""
    good = {'Content-Length': '12', 'Last-Modified': 'Mon, 29 Apr 2024 18:30:38 GMT', 'x-amz-delete-marker': 'true',
            'x-amz-meta-owner': 'restorekit', 'ETag': '"abc"', 'X-Unrelated': 'anything'}
    assert not problems_of('HeadObject', {}, 's3', headers=good)
    assert problems_of('HeadObject', {'ContentLength': 12}, 's3') == ["ContentLength: member belongs in the header 'Content-Length', not in the body"]
    bad = {'content-length': '12 bytes', 'Last-Modified': 'yesterday', 'x-amz-delete-marker': 'yes', 'x-amz-mp-parts-count': '2147483648',
           'x-amz-storage-class': 'COLD'}
    assert problems_of('HeadObject', {}, 's3', headers=bad) == [
        "headers['x-amz-delete-marker']: 'yes' is not a boolean header value ('true' or 'false')",
        "headers['Last-Modified']: 'yesterday' is not an HTTP date, ISO 8601 or epoch timestamp",
        "headers['content-length']: '12 bytes' is not an integer",
        f"headers['x-amz-storage-class']: 'COLD' not in enum {model('s3').shape_for('StorageClass').enum}",
        "headers['x-amz-mp-parts-count']: 2147483648 does not fit in a integer (-2147483648..2147483647)",
    ]
    assert problems_of('HeadObject', {}, 's3', headers={'x-amz-meta-owner': 5}) == ["headers['x-amz-meta-*']['owner']: expected string (str), got int 5"]


def test_payload_output_takes_the_raw_payload():
    """Lambda Invoke's body is its raw Payload; its other members are headers and the status code."""
    assert not problems_of('Invoke', b'{"ok": true}', 'lambda', headers={'X-Amz-Function-Error': 'Unhandled', 'X-Amz-Executed-Version': '$LATEST'})
    assert not problems_of('Invoke', None, 'lambda')
    assert problems_of('Invoke', {'ok': True}, 'lambda') == ["<body>: expected raw blob payload (str or bytes), got dict {'ok': True}"]
    assert problems_of('Invoke', '{}', 'lambda', headers={'x-amz-executed-version': ''}) == [
        "headers['x-amz-executed-version']: length 0 is below the minimum 1"]


def test_tagged_union_sets_exactly_one_member():
    """A union structure sets exactly one of its members."""
    azure = {'TenantId': '11111111-2222-3333-4444-555555555555', 'ApplicationId': '66666666-7777-8888-9999-000000000000'}
    gcp = {'WorkloadIdentityPoolProvider': 'projects/1/locations/global/workloadIdentityPools/pool/providers/prov',
           'ServiceAccountEmail': 'sa@project.iam.gserviceaccount.com'}
    assert not problems_of('GetCloudConnector', {'Configuration': {'AzureConfiguration': azure}}, 'ssm')
    expected = "Configuration: union CloudConnectorConfiguration must set exactly one of ['AzureConfiguration', 'GcpConfiguration'], but sets {}"
    assert problems_of('GetCloudConnector', {'Configuration': {}}, 'ssm') == [expected.format(0)]
    assert problems_of('GetCloudConnector', {'Configuration': {'AzureConfiguration': azure, 'GcpConfiguration': gcp}}, 'ssm') == [expected.format(2)]


def test_assert_valid_output_raises_with_every_problem():
    """assert_valid_output raises a ShapeError (an AssertionError) that lists all problems; a valid body passes."""
    body = describe_restore_job()
    body.update(Status='DONE', IsParent='true')
    with pytest.raises(shapes.ShapeError) as caught:
        shapes.assert_valid_output('backup', 'DescribeRestoreJob', body)
    assert isinstance(caught.value, AssertionError)
    assert caught.value.problems == ["Status: 'DONE' not in enum ['PENDING', 'RUNNING', 'COMPLETED', 'ABORTED', 'FAILED']",
                                     "IsParent: expected boolean (bool), got str 'true'"]
    assert all(problem in str(caught.value) for problem in caught.value.problems)
    assert shapes.assert_valid_output('backup', 'DescribeRestoreJob', describe_restore_job()) is None


def test_operations_of_lists_the_api():
    """operations_of returns the service's operation names, sorted."""
    operations = shapes.operations_of('backup')
    assert operations == sorted(operations)
    assert {'DescribeRestoreJob', 'ListRecoveryPointsByBackupVault', 'StartRestoreJob'} <= set(operations)


def test_unknown_service_or_operation_is_a_value_error():
    """An operation or service botocore does not know is a caller's mistake, not a validation problem."""
    with pytest.raises(ValueError, match="no operation 'DescribeRestoreJobs'"):
        shapes.validate_output('backup', 'DescribeRestoreJobs', {})
    with pytest.raises(ValueError, match="no model for service 'backups'"):
        shapes.input_problems('backups', 'StartRestoreJob', {})


def test_valid_input_passes():
    """boto3-style parameters that AWS accepts raise no problem (datetime, bytes, tuples and file-likes allowed)."""
    restore = {'RecoveryPointArn': RP_ARN, 'Metadata': {'DestinationBucketName': 'b'}, 'IamRoleArn': ROLE_ARN, 'ResourceType': 'S3'}
    assert not shapes.input_problems('backup', 'StartRestoreJob', restore)
    listing = {'ByState': 'COMPLETED', 'ByCreatedBefore': datetime.datetime(2024, 4, 29), 'ByCreatedAfter': '2024-04-01T00:00:00Z', 'MaxResults': 10}
    assert not shapes.input_problems('backup', 'ListBackupJobs', listing)
    assert not shapes.input_problems('kms', 'Encrypt', {'KeyId': 'alias/k', 'Plaintext': b'secret', 'GrantTokens': ('t',)})
    assert not shapes.input_problems('s3', 'PutObject', {'Bucket': 'b', 'Key': 'k', 'Body': io.BytesIO(b'x'), 'ContentLength': 1})
    assert not shapes.input_problems('sts', 'GetCallerIdentity', {})
    assert not shapes.input_problems('sts', 'GetCallerIdentity', None)


def test_input_problems_reuse_the_walker():
    """Input parameters get the same checks: required, unknown, enum, types, bounds, nulls."""
    problems = shapes.input_problems('backup', 'StartRestoreJob', {'Metadata': {'DestinationBucketName': 1}, 'Foo': 'x', 'IamRoleArn': None})
    assert problems == [
        "Metadata['DestinationBucketName']: expected string (str), got int 1",
        'Foo: unknown member of StartRestoreJobInput',
        'IamRoleArn: null is not a valid parameter value (leave the member out instead)',
        'RecoveryPointArn: required member of StartRestoreJobInput is missing',
    ]
    assert shapes.input_problems('backup', 'ListBackupJobs', {'ByState': 'DONE', 'MaxResults': 0, 'ByCreatedBefore': 'yesterday'}) == [
        "ByState: 'DONE' not in enum ['CREATED', 'PENDING', 'RUNNING', 'ABORTING', 'ABORTED', 'COMPLETED', 'FAILED', 'EXPIRED', 'PARTIAL']",
        'MaxResults: value 0 is below the minimum 1',
        "ByCreatedBefore: 'yesterday' is not an ISO 8601 timestamp",
    ]
    assert shapes.input_problems('kms', 'Encrypt', {'KeyId': 'k', 'Plaintext': 5}) == ['Plaintext: expected blob (base64 str), got int 5']
    assert shapes.input_problems('sts', 'GetCallerIdentity', {'x': 1}) == ['x: unknown member of GetCallerIdentityRequest']


def test_input_idempotency_token_may_be_left_out():
    """A required idempotency token is filled in by botocore, so leaving it out is fine; other required members are not."""
    params = {'Source': 'eni-1', 'Protocol': 'tcp'}
    assert not shapes.input_problems('ec2', 'CreateNetworkInsightsPath', params)
    assert shapes.input_problems('ec2', 'CreateNetworkInsightsPath', {'Protocol': 'tcp'}) == [
        'Source: required member of CreateNetworkInsightsPathRequest is missing']


def test_input_document_member_takes_any_json_value():
    """A document-type member takes any JSON value, but nothing else."""
    params = {'modelId': 'm', 'additionalModelRequestFields': {'top_k': 5, 'stop': ['\n'], 'nested': {'ok': True, 'none': None}}}
    assert not shapes.input_problems('bedrock-runtime', 'Converse', params)
    params['additionalModelRequestFields']['bad'] = {1, 2}
    assert shapes.input_problems('bedrock-runtime', 'Converse', params) == [
        "additionalModelRequestFields['bad']: expected JSON document value, got set {1, 2}"]


def test_models_are_cached_and_thread_safe():
    """Models load once per service; concurrent validations all see the same answers."""
    shapes.validate_output('backup', 'DescribeRestoreJob', describe_restore_job())
    loads = shapes._service_model.cache_info().misses  # pylint: disable=protected-access
    results = []
    bad = describe_restore_job()
    bad['Status'] = 'DONE'

    def work():
        """Validate one good and one bad body."""
        results.append((problems_of('DescribeRestoreJob', describe_restore_job()), problems_of('DescribeRestoreJob', bad)))

    threads = [threading.Thread(target=work, name=f'validate-{index}') for index in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert shapes._service_model.cache_info().misses == loads  # pylint: disable=protected-access
    assert len(results) == 8
    assert all(result == results[0] for result in results)
    assert results[0][0] == [] and len(results[0][1]) == 1
