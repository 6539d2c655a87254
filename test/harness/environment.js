// @ts-check
const { mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');

// n8n-core reads its instance settings from the user folder: keep every test run's apart.
process.env.N8N_USER_FOLDER ??= mkdtempSync(path.join(tmpdir(), 'wappfly-n8n-'));
process.env.N8N_ENCRYPTION_KEY ??= 'wappfly-test-encryption-key';
process.env.N8N_LOG_LEVEL ??= 'silent';
