/**
 * Source hosting and CI/CD: GitHub, GitLab, Bitbucket/Atlassian, CircleCI, Buildkite,
 * SonarQube, JFrog, Octopus Deploy, Harness and Travis.
 */
import { named, prefixed, type SecretRule } from '../rule.js';

const GL = '[A-Za-z0-9_.-]{20,}';

export const VCS_CI_RULES: readonly SecretRule[] = [
  prefixed('github-pat', 'GitHub', 'GitHub personal access token (classic)', 'CRITICAL', ['ghp_'], '\\b(ghp_[A-Za-z0-9]{36})\\b', 'GITHUB_TOKEN=ghp_Qw8eR7tY6uI5oP4aS3dF2gH1jK0lZxCvBnM1'),
  prefixed('github-fine-grained-pat', 'GitHub', 'GitHub fine-grained personal access token', 'CRITICAL', ['github_pat_'], '\\b(github_pat_[A-Za-z0-9_]{82})\\b', `token: github_pat_11AQZDEWG0${'Qw8eR7tY6uI5oP4aS3dF2gH1jK0lZxCvBnM1q2W3e4r5t6y7u8i9o0pAsDfGhJkLzXcVbNm1'}`),
  prefixed('github-oauth-token', 'GitHub', 'GitHub OAuth access token', 'CRITICAL', ['gho_'], '\\b(gho_[A-Za-z0-9]{36})\\b', 'oauth=gho_Qw8eR7tY6uI5oP4aS3dF2gH1jK0lZxCvBnM1'),
  prefixed('github-app-token', 'GitHub', 'GitHub App user-to-server or installation token', 'CRITICAL', ['ghu_', 'ghs_'], '\\b(gh[us]_[A-Za-z0-9]{36})\\b', 'token ghs_Qw8eR7tY6uI5oP4aS3dF2gH1jK0lZxCvBnM1'),
  prefixed('github-refresh-token', 'GitHub', 'GitHub refresh token', 'CRITICAL', ['ghr_'], '\\b(ghr_[A-Za-z0-9]{36,76})\\b', 'refresh=ghr_Qw8eR7tY6uI5oP4aS3dF2gH1jK0lZxCvBnM1'),
  prefixed('gitlab-pat', 'GitLab', 'GitLab personal access token', 'CRITICAL', ['glpat-'], `\\b(glpat-${GL})`, 'GITLAB_TOKEN=glpat-Qw8eR7tY6uI5oP4aS3dF'),
  prefixed('gitlab-pipeline-trigger-token', 'GitLab', 'GitLab pipeline trigger token', 'HIGH', ['glptt-'], '\\b(glptt-[A-Za-z0-9_-]{40})\\b', 'token=glptt-1f2e3d4c5b6a79880f1e2d3c4b5a69780f1e2d3c'),
  prefixed('gitlab-runner-registration-token', 'GitLab', 'GitLab runner registration token', 'HIGH', ['gr1348941'], '\\b(GR1348941[A-Za-z0-9_-]{20,})', 'registration-token GR1348941Qw8eR7tY6uI5oP4aS3dF'),
  prefixed('gitlab-runner-token', 'GitLab', 'GitLab runner authentication token', 'HIGH', ['glrt-'], `\\b(glrt-${GL})`, 'token = "glrt-Qw8eR7tY6uI5oP4aS3dF"'),
  prefixed('gitlab-deploy-token', 'GitLab', 'GitLab deploy token', 'HIGH', ['gldt-'], `\\b(gldt-${GL})`, 'password: gldt-Qw8eR7tY6uI5oP4aS3dF'),
  prefixed('gitlab-other-token', 'GitLab', 'GitLab token', 'HIGH', ['glft-', 'glsoat-', 'glcbt-', 'gloas-', 'glimt-', 'glagent-', 'glffct-', 'glwt-', 'gltst-', 'glrtr-'], `\\b((?:glft|glsoat|glcbt|gloas|glimt|glagent|glffct|glwt|gltst|glrtr)-${GL})`, 'feed=glft-Qw8eR7tY6uI5oP4aS3dF'),
  prefixed('gitlab-session-cookie', 'GitLab', 'GitLab session cookie', 'HIGH', ['_gitlab_session='], '_gitlab_session=([a-f0-9]{32})\\b', 'Cookie: _gitlab_session=1f2e3d4c5b6a79880f1e2d3c4b5a6978'),
  prefixed('bitbucket-http-access-token', 'Atlassian', 'Bitbucket Data Center HTTP access token', 'HIGH', ['bbdc-'], '\\b(BBDC-[A-Za-z0-9+/@_-]{44})', 'BITBUCKET=BBDC-Qw8eR7tY6uI5oP4aS3dF2gH1jK0lZxCvBnM1q2W3e4r5t'),
  prefixed('bitbucket-app-password', 'Atlassian', 'Bitbucket app password', 'HIGH', ['atbb'], '\\b(ATBB[A-Za-z0-9_=.-]{32})\\b', 'BITBUCKET_PASSWORD=ATBBQw8eR7tY6uI5oP4aS3dF2gH1jK0lZxCv'),
  prefixed('atlassian-api-token', 'Atlassian', 'Atlassian API or repository access token', 'HIGH', ['atatt3', 'atctt3'], '\\b(AT[AC]TT3[A-Za-z0-9_=-]{150,250})', `JIRA_API_TOKEN=ATATT3xFfGF0${'Qw8eR7tY6uI5oP4aS3dF2gH1jK0lZxCvBnM1q2W3e4r5t6y7u8i9o0p'.repeat(3)}=A1B2C3D4`),
  named('atlassian-pat', 'Atlassian', 'Jira or Confluence personal access token', 'HIGH', ['jira', 'confluence', 'atlassian', 'bitbucket'], '[MNO][A-Za-z0-9]{43}', 'JIRA_PAT=MzQ5NTk0ODg2MTc3OkxsT2F3UkZ5cm9oM2VYbG5KSUpB'),
  prefixed('circleci-token', 'CircleCI', 'CircleCI personal API token', 'HIGH', ['ccipat_'], '\\b(CCIPAT_[A-Za-z0-9]{22}_[a-f0-9]{40})\\b', 'CIRCLE_TOKEN=CCIPAT_Qw8eR7tY6uI5oP4aS3dF2g_1f2e3d4c5b6a79880f1e2d3c4b5a69780f1e2d3c'),
  named('circleci-token-legacy', 'CircleCI', 'CircleCI API token', 'HIGH', ['circleci', 'circle_token', 'circle-token'], '[a-f0-9]{40}', 'CIRCLE_TOKEN=1f2e3d4c5b6a79880f1e2d3c4b5a69780f1e2d3c'),
  named('travis-ci-token', 'Travis CI', 'Travis CI access token', 'HIGH', ['travis'], '[A-Za-z0-9]{22}', 'TRAVIS_TOKEN=Qw8eR7tY6uI5oP4aS3dF2g'),
  prefixed('buildkite-token', 'Buildkite', 'Buildkite API token', 'HIGH', ['bkua_'], '\\b(bkua_[a-f0-9]{40})\\b', 'BUILDKITE_API_TOKEN=bkua_1f2e3d4c5b6a79880f1e2d3c4b5a69780f1e2d3c'),
  prefixed('sonarqube-token', 'SonarQube', 'SonarQube token', 'HIGH', ['squ_', 'sqp_', 'sqa_'], '\\b(sq[upa]_[a-f0-9]{40})\\b', 'sonar.token=squ_1f2e3d4c5b6a79880f1e2d3c4b5a69780f1e2d3c'),
  prefixed('jfrog-api-key', 'JFrog', 'JFrog Artifactory API key', 'HIGH', ['akcp'], '\\b(AKCp[A-Za-z0-9]{69})\\b', `X-JFrog-Art-Api: AKCp${'Qw8eR7tY6uI5oP4aS3dF2gH1jK0lZxCvBnM1q2W3e4r5t6y7u8i9o0pAsDfGhJkLzXcVbN'.slice(0, 69)}`),
  prefixed('jfrog-reference-token', 'JFrog', 'JFrog reference token', 'HIGH', ['cmvmdgtu'], '\\b(cmVmdGtu[A-Za-z0-9]{56})\\b', 'JFROG_TOKEN=cmVmdGtuOjAxOjE3MDAwMDAwMDA6UXc4ZVI3dFk2dUk1b1A0YVMzZEYyZ0gxaksw', {
    // reftkn:<version>:<expiry>:<random>
    verify: (t) => /^reftkn:\d{2}:\d{10}:/.test(Buffer.from(t, 'base64').toString('latin1')),
  }),
  prefixed('octopus-deploy-api-key', 'Octopus Deploy', 'Octopus Deploy API key', 'HIGH', ['api-'], '\\b(API-[A-Z0-9]{26})\\b', 'X-Octopus-ApiKey: API-QW8ER7TY6UI5OP4AS3DF2GH1JK'),
  prefixed('harness-pat', 'Harness', 'Harness access token', 'HIGH', ['pat.', 'sat.'], '\\b((?:pat|sat)\\.[A-Za-z0-9_-]{22}\\.[a-f0-9]{24}\\.[A-Za-z0-9]{20})\\b', 'HARNESS_TOKEN=pat.Qw8eR7tY6uI5oP4aS3dF2g.1f2e3d4c5b6a79880f1e2d3c.Qw8eR7tY6uI5oP4aS3dF'),
];
