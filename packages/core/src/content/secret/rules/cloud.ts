/**
 * Cloud and infrastructure providers: AWS, Google Cloud, Azure, Alibaba, Tencent,
 * DigitalOcean, Heroku, Cloudflare, HashiCorp, Databricks and other hosting platforms.
 */
import { named, prefixed, type SecretRule } from '../rule.js';

const B64_40 = '[A-Za-z0-9/+]{40}';
const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';

export const CLOUD_RULES: readonly SecretRule[] = [
  prefixed('aws-access-key-id', 'AWS', 'AWS access key ID', 'HIGH', ['akia', 'asia', 'abia', 'acca', 'a3t'], '\\b((?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16})\\b', 'aws_access_key_id = AKIAQWERTYUIOPASDF2G', {
    allowValues: ['EXAMPLE$'],
  }),
  {
    id: 'aws-secret-access-key',
    category: 'AWS',
    title: 'AWS secret access key',
    severity: 'CRITICAL',
    keywords: ['aws', 'secret_access', 'secretaccess', 'secret-access'],
    regex: `(?i)(?:aws[\\w.-]{0,20}(?:secret|key)|secret[_-]?access[_-]?key)[\\w.-]{0,20}["']?\\s{0,3}(?:=|:|:=|=>|,)\\s{0,3}["']?(${B64_40})(?:[^A-Za-z0-9/+=]|$)`,
    entropy: 4,
    allowValues: ['EXAMPLEKEY$', '^wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY$'],
    example: 'aws_secret_access_key = "q8Vd3kLmZ0pR7sT2uW9xY4bC6eF1gH5jK8nP3rS0"',
  },
  prefixed('aws-session-token', 'AWS', 'AWS session token', 'HIGH', ['session_token', 'session-token', 'sessiontoken'], '(?i)session[_-]?token["\']?\\s{0,3}[:=]\\s{0,3}["\']?((?:IQoJb3JpZ2luX2Vj|FwoGZXIvYXdzE|AQoDYXdzE)[A-Za-z0-9/+=]{100,})', 'AWS_SESSION_TOKEN=IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQDnNsdmYjF3aHq9k2d8Z5ZPvZ7Y4Xx2B0eCk1uJY1pQ3AIgdbyl3q2vbS8p0m6bcZ6cyrQY3FfT9lq1u', { allowRuns: true }),
  prefixed('aws-mws-key', 'AWS', 'Amazon MWS auth token', 'HIGH', ['amzn.mws'], '\\b(amzn\\.mws\\.[0-9a-z]{8}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{12})\\b', 'mws = amzn.mws.4ea38b7b-f563-7709-4bae-87aeaf92a91f'),
  prefixed('aws-bedrock-api-key', 'AWS', 'Amazon Bedrock API key', 'HIGH', ['absk', 'bedrock-api-key-'], '\\b(ABSK[A-Za-z0-9+/]{100,}={0,2}|bedrock-api-key-[A-Za-z0-9+/=_-]{32,})', 'BEDROCK_KEY=ABSKQmVkcm9ja0FQSUtleS1zNzJpLWF0LTEyMzQ1Njc4OTAxMjpXaHlEb1lvdVJlYWRUaGlzRmFrZUtleUZvclRlc3RzT25seTEyMzQ1Njc4OTAxMjM0NTY3ODkw'),
  prefixed('gcp-api-key', 'Google', 'Google API key', 'HIGH', ['aiza'], '\\b(AIza[0-9A-Za-z_-]{35})(?:[^0-9A-Za-z_-]|$)', 'key=AIzaSyDq3x7-Vb1k9Lm2Np4Qr6St8Uv0Wx2Yz4A'),
  prefixed('gcp-service-account', 'Google', 'Google Cloud service account key', 'CRITICAL', ['private_key_id'], '"private_key_id"\\s{0,3}:\\s{0,3}"([a-f0-9]{40})"', '"private_key_id": "3f1d5c8e9b7a6f4e2d1c0b9a8f7e6d5c4b3a2f1e"'),
  prefixed('google-oauth-client-secret', 'Google', 'Google OAuth client secret', 'HIGH', ['gocspx-'], '\\b(GOCSPX-[A-Za-z0-9_-]{28})(?:[^A-Za-z0-9_-]|$)', 'client_secret: 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'),
  prefixed('google-oauth-access-token', 'Google', 'Google OAuth access token', 'HIGH', ['ya29.'], '\\b(ya29\\.[0-9A-Za-z_-]{30,})', 'Authorization: Bearer ya29.a0AfH6SMBx3f9Kd2Lq8Wz1Yp7Nc5Vt4Rs3Qe2'),
  prefixed('azure-storage-account-key', 'Azure', 'Azure storage account key', 'CRITICAL', ['accountkey'], '(?i)AccountKey=([A-Za-z0-9+/]{86}==)', 'DefaultEndpointsProtocol=https;AccountName=demo;AccountKey=Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6QUJDREVGR0hJSktMTU5PUF==;'),
  prefixed('azure-ad-client-secret', 'Azure', 'Azure AD client secret', 'HIGH', ['q~'], '(?:^|[^A-Za-z0-9_~.-])([A-Za-z0-9_~.-]{3}\\dQ~[A-Za-z0-9_~.-]{31,34})(?:[^A-Za-z0-9_~.-]|$)', 'AZURE_CLIENT_SECRET=abc8Q~XyZ7305194862qmzkdhwrtaxcupelgbn'),
  prefixed('azure-sas-token', 'Azure', 'Azure shared access signature', 'HIGH', ['sig='], '(?i)[?&;]sv=\\d{4}-\\d\\d-\\d\\d[^\\s"\']{0,300}?[?&;]sig=([A-Za-z0-9%+/]{40,80}(?:%3D|=){0,2})', 'https://acct.blob.core.windows.net/c?sv=2021-08-06&ss=b&srt=o&sp=r&se=2030-01-01&sig=Yx3kLmZ0pR7sT2uW9xY4bC6eF1gH5jK8nP3rS0tUvWx%3D'),
  named('azure-devops-pat', 'Azure', 'Azure DevOps personal access token', 'HIGH', ['azure_devops', 'azdo', 'ado_pat', 'devops_pat', 'azure-devops'], '[a-z2-7]{52}', 'AZURE_DEVOPS_PAT=4bqwerty2uiopasdfghjklzxcvbnm3qwertyuiopasdfghjklzxc'),
  prefixed('alibaba-access-key-id', 'Alibaba', 'Alibaba Cloud AccessKey ID', 'HIGH', ['ltai'], '\\b(LTAI[A-Za-z0-9]{12,20})\\b', 'access_key_id: LTAI5tQ8mN3bVc7xZa1sDf9g'),
  named('alibaba-access-key-secret', 'Alibaba', 'Alibaba Cloud AccessKey secret', 'CRITICAL', ['alibaba', 'aliyun', 'alicloud'], '[A-Za-z0-9]{30}', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET=Qw8eR7tY6uI5oP4aS3dF2gH1jK0lZx'),
  prefixed('tencent-secret-id', 'Tencent', 'Tencent Cloud SecretId', 'HIGH', ['akid'], '\\b(AKID[A-Za-z0-9]{32})\\b', 'SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA'),
  prefixed('digitalocean-pat', 'DigitalOcean', 'DigitalOcean personal access token', 'HIGH', ['dop_v1_'], '\\b(dop_v1_[a-f0-9]{64})\\b', 'DO_TOKEN=dop_v1_3f1d5c8e9b7a6f4e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e'),
  prefixed('digitalocean-oauth-token', 'DigitalOcean', 'DigitalOcean OAuth or refresh token', 'HIGH', ['doo_v1_', 'dor_v1_'], '\\b(do[or]_v1_[a-f0-9]{64})\\b', 'token=doo_v1_3f1d5c8e9b7a6f4e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e'),
  named('heroku-api-key', 'Heroku', 'Heroku API key', 'HIGH', ['heroku'], UUID, 'HEROKU_API_KEY=84b1bd3f-5c2a-4f7e-9d1b-2c3a4e5f6a7b'),
  prefixed('heroku-api-key-v2', 'Heroku', 'Heroku API key', 'HIGH', ['hrku-'], '\\b(HRKU-(?:[A-Za-z0-9_-]{60}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}))\\b', 'HEROKU=HRKU-AAbCdEfGhIjKlMnOpQrStUvWxYz7305194862qmzkdhwrtaxcupelgbnsvjy'),
  prefixed('cloudflare-token', 'Cloudflare', 'Cloudflare API token', 'HIGH', ['cfat_', 'cfut_', 'cfk_'], '\\b((?:cfat|cfut|cfk)_[A-Za-z0-9_-]{40,})', 'CF_TOKEN=cfut_Qw8eR7tY6uI5oP4aS3dF2gH1jK0lZxCvBnM1q2W3e4r5'),
  prefixed('akamai-credentials', 'Akamai', 'Akamai EdgeGrid client token or secret', 'HIGH', ['akab-'], '\\b(akab-[a-z0-9]{16}-[a-z0-9]{16})\\b', 'client_token = akab-tqwerty2uiopasdf-hzxcvbnm3qwertyu'),
  prefixed('salesforce-access-token', 'Salesforce', 'Salesforce session or access token', 'HIGH', ['00d'], '\\b(00D[A-Za-z0-9]{12,15}![A-Za-z0-9_.]{80,})', `SF_TOKEN=00DUI000005AecQ!AR8A${'Qw8eR7tY6uI5oP4aS3dF2gH1jK0lZxCvBnM1q2W3e4r'.repeat(2)}`),
  named('cloudflare-api-token', 'Cloudflare', 'Cloudflare API token or key', 'HIGH', ['cloudflare', 'cf_api'], '[A-Za-z0-9_-]{37,40}', 'CLOUDFLARE_API_TOKEN=Qw8eR7tY6uI5oP4aS3dF2gH1jK0lZxCvBnM1q2W3'),
  prefixed('cloudflare-origin-ca-key', 'Cloudflare', 'Cloudflare Origin CA key', 'HIGH', ['v1.0-'], '\\b(v1\\.0-[a-f0-9]{24}-[a-f0-9]{146})\\b', `v1.0-${'a1b2c3d4e5f6a7b8c9d0e1f2'}-${'7305194862fbdcea'.repeat(9)}01`),
  prefixed('hashicorp-vault-token', 'HashiCorp', 'HashiCorp Vault token', 'CRITICAL', ['hvs.', 'hvb.'], '\\b(hv[sb]\\.[A-Za-z0-9_-]{90,})', `VAULT_TOKEN=hvs.${'CAESIJ3Ftw9Lk2Qz8Xc7Vb6Nm5'.repeat(4)}`),
  prefixed('terraform-cloud-token', 'HashiCorp', 'Terraform Cloud API token', 'HIGH', ['atlasv1'], '\\b([A-Za-z0-9]{14}\\.atlasv1\\.[A-Za-z0-9_=-]{60,70})\\b', 'token = "Xq8wE7rT6yU5iO.atlasv1.Pa4Sd3Fg2Hj1Kl0ZxCvBnMqWeRtYuIoPaSdFgHjKlZxCvBnMqWeRtYuIoPaSdFgHjKl"'),
  prefixed('databricks-token', 'Databricks', 'Databricks access token', 'HIGH', ['dapi'], '\\b(dapi[a-f0-9]{32}(?:-\\d)?)\\b', 'DATABRICKS_TOKEN=dapi1f2e3d4c5b6a79880f1e2d3c4b5a6978'),
  prefixed('planetscale-token', 'PlanetScale', 'PlanetScale password or token', 'HIGH', ['pscale_'], '\\b(pscale_(?:tkn|pw|oauth)_[A-Za-z0-9_.-]{32,64})\\b', 'password=pscale_pw_Qw8eR7tY6uI5oP4aS3dF2gH1jK0lZxCvBnM1'),
  prefixed('supabase-token', 'Supabase', 'Supabase access or secret key', 'HIGH', ['sbp_', 'sb_secret_'], '\\b(sbp_[a-f0-9]{40}|sb_secret_[A-Za-z0-9_-]{31,})\\b', 'SUPABASE_ACCESS_TOKEN=sbp_1f2e3d4c5b6a79880f1e2d3c4b5a69780f1e2d3c'),
  named('vercel-token', 'Vercel', 'Vercel access token', 'HIGH', ['vercel'], '[A-Za-z0-9]{24}', 'VERCEL_TOKEN=Qw8eR7tY6uI5oP4aS3dF2gH1'),
  prefixed('netlify-token', 'Netlify', 'Netlify personal access token', 'HIGH', ['nfp_'], '\\b(nfp_[A-Za-z0-9]{36})\\b', 'NETLIFY_AUTH_TOKEN=nfp_Qw8eR7tY6uI5oP4aS3dF2gH1jK0lZxCvBnM1'),
  named('netlify-token-legacy', 'Netlify', 'Netlify access token', 'HIGH', ['netlify'], '[A-Za-z0-9_-]{40,46}', 'NETLIFY_AUTH_TOKEN=Qw8eR7tY6uI5oP4aS3dF2gH1jK0lZxCvBnM1q2W3e4'),
  prefixed('flyio-token', 'Fly.io', 'Fly.io access token', 'HIGH', ['fo1_', 'fm2_'], '\\b((?:fo1_[A-Za-z0-9_-]{43})|(?:fm2_[A-Za-z0-9+/]{100,}={0,3}))', 'FLY_API_TOKEN=fo1_Qw8eR7tY6uI5oP4aS3dF2gH1jK0lZxCvBnM1q2W3e4r'),
  prefixed('doppler-token', 'Doppler', 'Doppler service token', 'HIGH', ['dp.pt.', 'dp.st.', 'dp.ct.', 'dp.sa.', 'dp.scim.', 'dp.audit.'], '\\b(dp\\.(?:pt|st|ct|sa|scim|audit)\\.[A-Za-z0-9_.-]{40,})', 'DOPPLER_TOKEN=dp.pt.Qw8eR7tY6uI5oP4aS3dF2gH1jK0lZxCvBnM1q2W3e4r'),
  prefixed('pulumi-token', 'Pulumi', 'Pulumi access token', 'HIGH', ['pul-'], '\\b(pul-[a-f0-9]{40})\\b', 'PULUMI_ACCESS_TOKEN=pul-1f2e3d4c5b6a79880f1e2d3c4b5a69780f1e2d3c'),
  prefixed('scaleway-secret-key', 'Scaleway', 'Scaleway secret key', 'HIGH', ['scw_secret', 'scw-secret'], `(?i)scw[_-]secret[_-]key["']?\\s{0,3}[:=]\\s{0,3}["']?(${UUID})`, 'SCW_SECRET_KEY=84b1bd3f-5c2a-4f7e-9d1b-2c3a4e5f6a7b'),
  prefixed('defined-networking-key', 'Defined Networking', 'Defined Networking API token', 'HIGH', ['dnkey-'], '\\b(dnkey-[A-Za-z0-9=_-]{26}-[A-Za-z0-9=_-]{52})\\b', 'DN_API_KEY=dnkey-QW8ER7TY6UI5OP4AS3DF2GH1JK-Qw8eR7tY6uI5oP4aS3dF2gH1jK0lZxCvBnM1q2W3e4r5t6y7u8i9'),
];
