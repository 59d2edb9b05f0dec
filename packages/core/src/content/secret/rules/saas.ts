/**
 * SaaS APIs: payments (Stripe, Square, PayPal/Braintree, Shopify, Plaid, Flutterwave),
 * messaging (Slack, Discord, Telegram, Teams, Twilio, SendGrid, Mailgun, Mailchimp, Brevo),
 * AI providers, observability (New Relic, Dynatrace, Grafana, Sentry, Datadog) and others.
 */
import { named, prefixed, type SecretRule } from '../rule.js';

const BECH32 = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';

/** BIP-173 checksum, which age secret keys carry: a typo'd or invented key fails it. */
export function bech32Valid(value: string): boolean {
  const lower = value.toLowerCase();
  const sep = lower.lastIndexOf('1');
  if (sep < 1) return false;
  const hrp = lower.slice(0, sep);
  const data: number[] = [];
  for (const ch of lower.slice(sep + 1)) {
    const v = BECH32.indexOf(ch);
    if (v < 0) return false;
    data.push(v);
  }
  const values = [...[...hrp].map((c) => c.charCodeAt(0) >> 5), 0, ...[...hrp].map((c) => c.charCodeAt(0) & 31), ...data];
  const GEN = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
  let chk = 1;
  for (const v of values) {
    const top = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk ^= GEN[i] as number;
  }
  return chk === 1;
}

export const SAAS_RULES: readonly SecretRule[] = [
  // Payments
  prefixed('stripe-secret-key', 'Stripe', 'Stripe secret or restricted key', 'CRITICAL', ['sk_live_', 'rk_live_', 'sk_test_', 'rk_test_'], '\\b([sr]k_(?:live|test)_[A-Za-z0-9]{24,99})\\b', 'STRIPE_KEY=sk_live_Qw8eR7tY6uI5oP4aS3dF2gH1jK'),
  prefixed('stripe-webhook-secret', 'Stripe', 'Stripe webhook signing secret', 'HIGH', ['whsec_'], '\\b(whsec_[A-Za-z0-9]{32,})\\b', 'STRIPE_WEBHOOK_SECRET=whsec_Qw8eR7tY6uI5oP4aS3dF2gH1jK0lZxCv'),
  prefixed('square-access-token', 'Square', 'Square access token', 'HIGH', ['eaaa', 'sq0atp-'], '\\b(EAAA[A-Za-z0-9_-]{60}|sq0atp-[A-Za-z0-9_-]{22})(?:[^A-Za-z0-9_-]|$)', 'SQUARE_ACCESS_TOKEN=EAAAQw8eR7tY6uI5oP4aS3dF2gH1jK0lZxCvBnM1q2W3e4r5t6y7u8i9o0pAsDfG'),
  prefixed('square-oauth-secret', 'Square', 'Square OAuth secret', 'HIGH', ['sq0csp-'], '\\b(sq0csp-[A-Za-z0-9_-]{43})', 'secret=sq0csp-Qw8eR7tY6uI5oP4aS3dF2gH1jK0lZxCvBnM1q2W3e4r'),
  prefixed('braintree-access-token', 'PayPal', 'PayPal Braintree access token', 'CRITICAL', ['access_token$'], '\\b(access_token\\$(?:production|sandbox)\\$[a-z0-9]{16}\\$[a-f0-9]{32})\\b', 'access_token$production$x8dd8sn4p3q2r1s0$1f2e3d4c5b6a79880f1e2d3c4b5a6978'),
  prefixed('shopify-token', 'Shopify', 'Shopify access token or shared secret', 'HIGH', ['shpat_', 'shpca_', 'shppa_', 'shpss_'], '\\b(shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32})\\b', 'X-Shopify-Access-Token: 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'),
  prefixed('plaid-access-token', 'Plaid', 'Plaid access token', 'HIGH', ['access-production-', 'access-development-', 'access-sandbox-'], '\\b(access-(?:production|development|sandbox)-[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12})\\b', 'access_token=access-production-84b1bd3f-5c2a-4f7e-9d1b-2c3a4e5f6a7b'),
  prefixed('flutterwave-secret-key', 'Flutterwave', 'Flutterwave secret key', 'HIGH', ['flwseck'], '\\b(FLWSECK(?:_TEST)?-[a-h0-9]{32}-X)', 'FLW_SECRET=FLWSECK-1f2e3d4c5b6a79880f1e2d3c4b5a6978-X'),
  prefixed('shippo-token', 'Shippo', 'Shippo API token', 'HIGH', ['shippo_'], '\\b(shippo_(?:live|test)_[a-f0-9]{40})\\b', 'SHIPPO=shippo_live_1f2e3d4c5b6a79880f1e2d3c4b5a69780f1e2d3c'),
  prefixed('easypost-api-key', 'EasyPost', 'EasyPost API key', 'HIGH', ['ezak'], '\\b(EZ[AT]K[A-Za-z0-9]{54})\\b', `EASYPOST=EZAK${'Qw8eR7tY6uI5oP4aS3dF2gH1jK0lZxCvBnM1q2W3e4r5t6y7u8i9o0'.slice(0, 54)}`),
  // Messaging
  prefixed('slack-token', 'Slack', 'Slack bot, user or workspace token', 'HIGH', ['xoxb-', 'xoxp-', 'xoxa-', 'xoxr-', 'xoxs-', 'xoxe'], '\\b((?:xox[baprs]|xoxe(?:\\.xox[bp])?)-\\d{1,13}-[A-Za-z0-9-]{10,})', 'SLACK_BOT_TOKEN=xoxb-2634578901-3849562019384-Qw8eR7tY6uI5oP4aS3dF2gH1'),
  prefixed('slack-app-token', 'Slack', 'Slack app-level token', 'HIGH', ['xapp-'], '\\b(xapp-\\d-[A-Z0-9]+-\\d+-[a-f0-9]+)\\b', 'SLACK_APP_TOKEN=xapp-1-A0K7Q3RWXZT-7305194862731-1f2e3d4c5b6a79880f1e2d3c4b5a6978'),
  prefixed('slack-webhook', 'Slack', 'Slack incoming webhook URL', 'MEDIUM', ['hooks.slack.com'], '(https://hooks\\.slack\\.com/(?:services|workflows|triggers)/[A-Za-z0-9+/]{40,})', 'https://hooks.slack.com/services/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'),
  prefixed('discord-webhook', 'Discord', 'Discord webhook URL', 'MEDIUM', ['/api/webhooks/'], '(https://(?:ptb\\.|canary\\.)?discord(?:app)?\\.com/api/webhooks/\\d+/[A-Za-z0-9_-]{60,70})', 'https://discord.com/api/webhooks/730519486273051948/Qw8eR7tY6uI5oP4aS3dF2gH1jK0lZxCvBnM1q2W3e4r5t6y7u8i9o0pAsDfGhJkL'),
  named('discord-bot-token', 'Discord', 'Discord bot token', 'HIGH', ['discord', 'bot_token'], '[MNO][A-Za-z0-9_-]{23,25}\\.[A-Za-z0-9_-]{6}\\.[A-Za-z0-9_-]{27,38}', 'DISCORD_TOKEN=MTAxNTk4NzY1NDMyMTA5ODc2NQ.GhIjKl.Qw8eR7tY6uI5oP4aS3dF2gH1jK0lZxCvBnM1'),
  prefixed('telegram-bot-token', 'Telegram', 'Telegram bot token', 'HIGH', [':aa'], '(?:^|[^0-9])(\\d{8,10}:AA[A-Za-z0-9_-]{33})(?:[^A-Za-z0-9_-]|$)', 'TELEGRAM_TOKEN=5830219746:AAQw8eR7tY6uI5oP4aS3dF2gH1jK0lZxCvB'),
  prefixed('teams-webhook', 'Microsoft Teams', 'Microsoft Teams webhook URL', 'MEDIUM', ['webhook.office.com'], '(https://[a-z0-9-]+\\.webhook\\.office\\.com/webhookb2/[a-f0-9-]{36}@[a-f0-9-]{36}/IncomingWebhook/[a-f0-9]{32}/[a-f0-9-]{36})', 'https://corp.webhook.office.com/webhookb2/84b1bd3f-5c2a-4f7e-9d1b-2c3a4e5f6a7b@84b1bd3f-5c2a-4f7e-9d1b-2c3a4e5f6a7b/IncomingWebhook/1f2e3d4c5b6a79880f1e2d3c4b5a6978/84b1bd3f-5c2a-4f7e-9d1b-2c3a4e5f6a7b'),
  prefixed('twilio-api-key', 'Twilio', 'Twilio API key', 'HIGH', ['sk'], '\\b(SK[0-9a-fA-F]{32})\\b', 'TWILIO_API_KEY=SK1f2e3d4c5b6a79880f1e2d3c4b5a6978'),
  named('twilio-auth-token', 'Twilio', 'Twilio auth token', 'HIGH', ['twilio_auth', 'auth_token', 'twilio-auth', 'authtoken'], '[a-f0-9]{32}', 'TWILIO_AUTH_TOKEN=1f2e3d4c5b6a79880f1e2d3c4b5a6978'),
  prefixed('sendgrid-api-key', 'SendGrid', 'SendGrid API key', 'HIGH', ['sg.'], '\\b(SG\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43})\\b', 'SENDGRID_API_KEY=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'),
  prefixed('mailgun-api-key', 'Mailgun', 'Mailgun API key', 'HIGH', ['key-'], '\\b(key-[a-f0-9]{32})\\b', 'MAILGUN_API_KEY=key-1f2e3d4c5b6a79880f1e2d3c4b5a6978'),
  prefixed('mailchimp-api-key', 'Mailchimp', 'Mailchimp API key', 'HIGH', ['-us'], '\\b([A-Za-z0-9]{32}-us\\d{1,2})\\b', 'MAILCHIMP_KEY=1f2e3d4c5b6a79880f1e2d3c4b5a6978-us14'),
  prefixed('brevo-api-key', 'Brevo', 'Brevo (Sendinblue) API key', 'HIGH', ['xkeysib-', 'xsmtpsib-'], '\\b(x(?:keysib|smtpsib)-[a-f0-9]{64}-[A-Za-z0-9]{16})\\b', 'BREVO=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'),
  // AI providers
  prefixed('openai-api-key', 'OpenAI', 'OpenAI API key', 'CRITICAL', ['t3blbkfj'], '\\b(sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}T3BlbkFJ[A-Za-z0-9_-]{20,})', 'OPENAI_API_KEY=sk-proj-Qw8eR7tY6uI5oP4aS3dFT3BlbkFJgH1jK0lZxCvBnM1q2W3e'),
  prefixed('anthropic-api-key', 'Anthropic', 'Anthropic API key', 'CRITICAL', ['sk-ant-'], '\\b(sk-ant-(?:api03|admin01)-[A-Za-z0-9_-]{80,120})', `ANTHROPIC_API_KEY=sk-ant-api03-${'Qw8eR7tY6uI5oP4aS3dF2gH1jK0lZxCvBnM1q2W3e4r5t6y7u8i9o0pAsDfGhJkLzXcVbNm7305194862QwErTyUiOpAsD'}AA`),
  prefixed('huggingface-token', 'Hugging Face', 'Hugging Face access token', 'HIGH', ['hf_'], '\\b(hf_[A-Za-z]{34})\\b', 'HF_TOKEN=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'),
  prefixed('groq-api-key', 'Groq', 'Groq API key', 'HIGH', ['gsk_'], '\\b(gsk_[A-Za-z0-9]{52})\\b', 'GROQ_API_KEY=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'),
  prefixed('perplexity-api-key', 'Perplexity', 'Perplexity API key', 'HIGH', ['pplx-'], '\\b(pplx-[A-Za-z0-9]{48})\\b', 'PPLX_API_KEY=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'),
  prefixed('xai-api-key', 'xAI', 'xAI API key', 'HIGH', ['xai-'], '\\b(xai-[A-Za-z0-9]{80})\\b', `XAI_API_KEY=xai-${'Qw8eR7tY6uI5oP4aS3dF2gH1jK0lZxCvBnM1q2W3e4r'.repeat(2).slice(0, 80)}`),
  prefixed('together-api-key-v1', 'Together AI', 'Together AI API key', 'HIGH', ['tgp_v1_'], '\\b(tgp_v1_[A-Za-z0-9_-]{43})', 'TOGETHER=tgp_v1_Qw8eR7tY6uI5oP4aS3dF2gH1jK0lZxCvBnM1q2W3e4r5t'),
  prefixed('llamacloud-api-key', 'LlamaIndex', 'LlamaCloud API key', 'HIGH', ['llx-'], '\\b(llx-[A-Za-z0-9_-]{40,})', 'LLAMA_CLOUD_API_KEY=llx-Qw8eR7tY6uI5oP4aS3dF2gH1jK0lZxCvBnM1q2W3e4r5t'),
  prefixed('vercel-token-v2', 'Vercel', 'Vercel access token', 'HIGH', ['vcp_', 'vci_', 'vca_', 'vcr_', 'vck_'], '\\b(vc[pcikar]_[A-Za-z0-9_-]{40,})', 'VERCEL_TOKEN=vcp_Qw8eR7tY6uI5oP4aS3dF2gH1jK0lZxCvBnM1q2W3e4r5t6y7u8i9o0p'),
  prefixed('wundergraph-api-key', 'WunderGraph', 'WunderGraph Cosmo API key', 'HIGH', ['cosmo_'], '\\b(cosmo_[a-f0-9]{32})\\b', 'COSMO_API_KEY=cosmo_1f2e3d4c5b6a79880f1e2d3c4b5a6978'),
  prefixed('nats-nkey-seed', 'NATS', 'NATS NKey user seed', 'CRITICAL', ['sua'], '\\b(SUA[A-Z2-7]{55})\\b', 'SUAML2GCZ7IK7E7UD4VZ7ELPZW7DK2ZNL35WSMW3IORHC3BWBSDQXUQRBU'),
  prefixed('google-oauth-refresh-token', 'Google', 'Google OAuth refresh token', 'HIGH', ['1//0'], '(?:^|[^A-Za-z0-9/])(1//0[A-Za-z0-9_-]{40,})', 'refresh_token: 1//0gQw8eR7tY6uI5oP4aS3dF2gH1jK0lZxCvBnM1q2W3e4r5t6y7u8i9o0p'),
  named('deepseek-api-key', 'DeepSeek', 'DeepSeek API key', 'HIGH', ['deepseek'], 'sk-[a-f0-9]{32}', 'DEEPSEEK_API_KEY=sk-1f2e3d4c5b6a79880f1e2d3c4b5a6978'),
  named('together-api-key', 'Together AI', 'Together AI API key', 'HIGH', ['together'], '(?:tgp_v1_[A-Za-z0-9_-]{43}|[a-f0-9]{64})', 'TOGETHER_API_KEY=1f2e3d4c5b6a79880f1e2d3c4b5a69781f2e3d4c5b6a79880f1e2d3c4b5a6978'),
  prefixed('tavily-api-key', 'Tavily', 'Tavily API key', 'HIGH', ['tvly-'], '\\b(tvly-(?:dev-|prod-)?[A-Za-z0-9]{32})\\b', 'TAVILY_API_KEY=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'),
  prefixed('replicate-token', 'Replicate', 'Replicate API token', 'HIGH', ['r8_'], '\\b(r8_[A-Za-z0-9]{37})\\b', 'REPLICATE_API_TOKEN=r8_Qw8eR7tY6uI5oP4aS3dF2gH1jK0lZxCvBnM1q'),
  prefixed('llama-api-key', 'Meta', 'Llama API key', 'HIGH', ['llm|'], '\\b(LLM\\|\\d{15,16}\\|[A-Za-z0-9_-]{27})(?:[^A-Za-z0-9_-]|$)', 'LLAMA_API_KEY=LLM|7305194862730519|Qw8eR7tY6uI5oP4aS3dF2gH1jK0'),
  // Productivity and developer SaaS
  prefixed('linear-api-key', 'Linear', 'Linear API key', 'HIGH', ['lin_api_'], '\\b(lin_api_[A-Za-z0-9]{40})\\b', 'LINEAR_API_KEY=lin_api_Qw8eR7tY6uI5oP4aS3dF2gH1jK0lZxCvBnM1q2W3'),
  prefixed('notion-token', 'Notion', 'Notion integration token', 'HIGH', ['secret_', 'ntn_'], '\\b(secret_[A-Za-z0-9]{43}|ntn_[A-Za-z0-9]{46})\\b', 'NOTION_TOKEN=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'),
  prefixed('figma-token', 'Figma', 'Figma personal access token', 'HIGH', ['figd_'], '\\b(figd_[A-Za-z0-9_-]{40})', 'FIGMA_TOKEN=figd_Qw8eR7tY6uI5oP4aS3dF2gH1jK0lZxCvBnM1q2W3'),
  prefixed('postman-api-key', 'Postman', 'Postman API key', 'HIGH', ['pmak-', 'pmat-'], '\\b(PMAK-[a-f0-9]{24}-[a-f0-9]{34}|PMAT-[A-Z0-9]{26})\\b', 'X-Api-Key: PMAK-1f2e3d4c5b6a79880f1e2d3c-1f2e3d4c5b6a79880f1e2d3c4b5a697812'),
  prefixed('posthog-personal-key', 'PostHog', 'PostHog personal API key', 'HIGH', ['phx_', 'phs_', 'phr_', 'pha_'], '\\b(ph[xsra]_[A-Za-z0-9]{40,60})\\b', 'POSTHOG_PERSONAL_API_KEY=phx_Qw8eR7tY6uI5oP4aS3dF2gH1jK0lZxCvBnM1q2W3e4r'),
  prefixed('contentful-token', 'Contentful', 'Contentful personal access token', 'HIGH', ['cfpat-'], '\\b(CFPAT-[A-Za-z0-9_-]{43})', 'CONTENTFUL_TOKEN=CFPAT-Qw8eR7tY6uI5oP4aS3dF2gH1jK0lZxCvBnM1q2W3e4r'),
  prefixed('typeform-token', 'Typeform', 'Typeform personal access token', 'HIGH', ['tfp_'], '\\b(tfp_[A-Za-z0-9_.=-]{59})', 'TYPEFORM=tfp_Qw8eR7tY6uI5oP4aS3dF2gH1jK0lZxCvBnM1q2W3e4r5t6y7u8i9o0pAsDfG'),
  prefixed('frameio-token', 'Frame.io', 'Frame.io API token', 'HIGH', ['fio-u-'], '\\b(fio-u-[A-Za-z0-9_=-]{64})', 'FRAMEIO=fio-u-Qw8eR7tY6uI5oP4aS3dF2gH1jK0lZxCvBnM1q2W3e4r5t6y7u8i9o0pAsDfGhJkLz'),
  prefixed('mapbox-secret-token', 'Mapbox', 'Mapbox secret token', 'HIGH', ['sk.eyj'], '\\b(sk\\.eyJ[A-Za-z0-9_-]{20,}\\.[A-Za-z0-9_-]{20,})', 'MAPBOX=sk.eyJ1IjoibWUiLCJhIjoiY2xxd2VydHl1aW9wYXMifQ.Qw8eR7tY6uI5oP4aS3dF2g'),
  prefixed('onepassword-service-account-token', '1Password', '1Password service account token', 'CRITICAL', ['ops_eyj'], '\\b(ops_eyJ[A-Za-z0-9+/_-]{250,}={0,3})', `OP_SERVICE_ACCOUNT_TOKEN=ops_eyJ${'c2lnbkluQWRkcmVzcyI6Im15LjFwYXNzd29yZC5jb20iLCJ1c2VyQXV0aCI6eyJtZXRob2Qi'.repeat(4)}`),
  prefixed('onepassword-secret-key', '1Password', '1Password account secret key', 'CRITICAL', ['a3-'], '\\b(A3-[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5})\\b', 'A3-ASWWYB-798JRY-LJVD4-23DC2-86TVM-H43EB'),
  prefixed('age-secret-key', 'age', 'age encryption secret key', 'CRITICAL', ['age-secret-key-1'], '\\b(AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})\\b', 'AGE-SECRET-KEY-1KZYHJJGJ5DEC3RXGPEUA97WG99HU4Z3Z9ZK69GHAFZWJ08SFVF0QZ3WFSS', { verify: bech32Valid }),
  // Social
  prefixed('facebook-access-token', 'Meta', 'Facebook access token', 'HIGH', ['eaac', 'eaam'], '\\b(EAA[CM][A-Za-z0-9]{100,})', `FB_TOKEN=EAAC${'Qw8eR7tY6uI5oP4aS3dF2gH1jK0lZxCvBnM1q2W3e4r'.repeat(3)}`),
  prefixed('instagram-access-token', 'Meta', 'Instagram access token', 'HIGH', ['igqv', 'igaa'], '\\b((?:IGQV|IGAA)[A-Za-z0-9_-]{100,})', `IG_TOKEN=IGQV${'Qw8eR7tY6uI5oP4aS3dF2gH1jK0lZxCvBnM1q2W3e4r'.repeat(3)}`),
  prefixed('twitter-bearer-token', 'X (Twitter)', 'X (Twitter) bearer token', 'HIGH', ['aaaaaaaaaaaaaaaaaaaaa'], '\\b(A{21}[A-Za-z0-9%]{30,})', 'TWITTER_BEARER=AAAAAAAAAAAAAAAAAAAAAMLheAAAAAAA0%2BuSeid%2BULvsea4JtiGRiSDSJSI%3DEUifiRBkKG5E2XzMDjRfl76ZC9Ub0wnz4XsNiRVBChTYbJcE3F', { allowRuns: true }),
  // Observability
  prefixed('newrelic-api-key', 'New Relic', 'New Relic user or insights key', 'HIGH', ['nrak-', 'nrii-', 'nrjs-', 'nral'], '\\b(NRAK-[A-Z0-9]{27}|NRII-[A-Za-z0-9_-]{27,32}|NRJS-[a-f0-9]{19}|[a-f0-9]{36}NRAL)(?:[^A-Za-z0-9_-]|$)', 'NEW_RELIC_API_KEY=NRAK-QW8ER7TY6UI5OP4AS3DF2GH1JK0'),
  named('newrelic-license-key', 'New Relic', 'New Relic license key', 'HIGH', ['license_key', 'new_relic', 'newrelic'], '[a-f0-9]{36}NRAL|[A-Za-z0-9]{40}', 'NEW_RELIC_LICENSE_KEY=1f2e3d4c5b6a79880f1e2d3c4b5a69780f1eNRAL'),
  prefixed('dynatrace-token', 'Dynatrace', 'Dynatrace API token', 'HIGH', ['dt0c01.'], '\\b(dt0c01\\.[A-Z0-9]{24}\\.[A-Z0-9]{64})\\b', `DT_API_TOKEN=dt0c01.QW8ER7TY6UI5OP4AS3DF2GH1.${'QW8ER7TY6UI5OP4AS3DF2GH1JK0LZXCV'.repeat(2)}`),
  prefixed('grafana-cloud-token', 'Grafana', 'Grafana Cloud access policy token', 'HIGH', ['glc_'], '\\b(glc_[A-Za-z0-9+/]{32,400}={0,2})', 'GRAFANA_TOKEN=glc_eyJvIjoiMTIzNDU2IiwibiI6InRlc3QiLCJrIjoiUXc4ZVI3dFk2dUk1b1A0YVMzZEYiLCJtIjp7InIiOiJ1cyJ9fQ=='),
  prefixed('grafana-service-account-token', 'Grafana', 'Grafana service account token', 'HIGH', ['glsa_'], '\\b(glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8})\\b', 'GRAFANA_SA=glsa_Qw8eR7tY6uI5oP4aS3dF2gH1jK0lZxCv_1f2e3d4c'),
  prefixed('grafana-api-key', 'Grafana', 'Grafana API key', 'HIGH', ['eyjrijoi'], '\\b(eyJrIjoi[A-Za-z0-9]{70,400}={0,2})', 'GRAFANA_API_KEY=eyJrIjoiUXc4ZVI3dFk2dUk1b1A0YVMzZEYyZ0gxaksw bFp4Q3ZCbk0xcTJXM2U0ciIsIm4iOiJ0ZXN0IiwiaWQiOjF9'.replace(' ', '')),
  prefixed('sentry-token', 'Sentry', 'Sentry auth token', 'HIGH', ['sntrys_', 'sntryu_'], '\\b(sntrys_eyJ[A-Za-z0-9+/=_-]{50,}|sntryu_[a-f0-9]{64})', 'SENTRY_AUTH_TOKEN=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'),
  named('datadog-api-key', 'Datadog', 'Datadog API or application key', 'HIGH', ['datadog', 'dd_api_key', 'dd_app_key', 'dd-api-key'], '[a-f0-9]{32}|[a-f0-9]{40}', 'DD_API_KEY=1f2e3d4c5b6a79880f1e2d3c4b5a6978'),
  named('okta-api-token', 'Okta', 'Okta API token', 'HIGH', ['okta'], '00[A-Za-z0-9_-]{40}', 'OKTA_API_TOKEN=00Qw8eR7tY6uI5oP4aS3dF2gH1jK0lZxCvBnM1q2W3'),
  named('dropbox-token', 'Dropbox', 'Dropbox access token', 'HIGH', ['dropbox'], 'sl\\.[A-Za-z0-9_-]{130,}|[a-z0-9]{11}AAAAAAAAAA[A-Za-z0-9_-]{43}|[a-z0-9]{15}', 'DROPBOX_APP_SECRET=q8vd3klmz0pr7st'),
];
