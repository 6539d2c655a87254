/**
 * `npm run demo` (scripts/demo.js): its building blocks, then the real thing on spare ports —
 * started as a user starts it, an inbound message sent into the sandbox with the curl command it
 * prints, the auto-reply seen by the sandbox, the editor answering, and everything gone after
 * Ctrl-C (SIGINT).
 */
import {
	OWNER,
	SANDBOX_TOKEN,
	demoCredential,
	demoWorkflows,
	inboundCurl,
	parseArgs,
} from '../../scripts/demo';
import { childProcess, fs, os, path, sleep } from '../support/node';
import { EXAMPLE_CREDENTIALS, PROJECT_DIR, webhookPathOf } from './lib/examples';
import { getFreePort } from './lib/n8n-instance';

const MINUTE = 60_000;

describe('the demo’s building blocks', () => {
	test('options: defaults, environment, flags, and clear errors', () => {
		expect(parseArgs([])).toMatchObject({ port: 5678, sandboxPort: 8787, n8n: '1', help: false });
		expect(parseArgs([]).dataDir).toBe(path.join(PROJECT_DIR, '.tmp', 'demo'));
		expect(parseArgs(['--port', '5000', '--sandbox-port=9000', '--n8n', '2'])).toMatchObject({
			port: 5000,
			sandboxPort: 9000,
			n8n: '2',
		});
		expect(parseArgs([], { WAPPFLY_DEMO_PORT: '6000' }).port).toBe(6000);
		expect(parseArgs(['--help']).help).toBe(true);
		expect(() => parseArgs(['--port', 'abc'])).toThrow(/--port needs a port number/);
		expect(() => parseArgs(['--n8n', '3'])).toThrow(/--n8n must be 1 or 2/);
		expect(() => parseArgs(['--port', '8787'])).toThrow(/two different ports/);
		expect(() => parseArgs(['--bogus'])).toThrow(/unknown option --bogus/);
	});

	test('imports every example, reads the invoice from its own folder, activates the auto-reply', () => {
		const { workflows, autoReply } = demoWorkflows('/demo/files');
		expect(workflows).toHaveLength(5);
		expect(autoReply.id).toBe('wfyExAutoReply01');
		expect(webhookPathOf(autoReply)).toMatch(/^[0-9a-f-]{36}\/webhook$/);
		const read = workflows
			.flatMap((w) => w.nodes)
			.find((n) => n.type === 'n8n-nodes-base.readWriteFile');
		expect(read?.parameters.fileSelector).toBe(
			'=/demo/files/invoices/invoice-{{ $json.invoiceNumber }}.pdf',
		);
		expect(demoCredential('http://127.0.0.1:8787')).toEqual({
			id: EXAMPLE_CREDENTIALS.wappfly.id,
			name: EXAMPLE_CREDENTIALS.wappfly.name,
			type: 'wappflyApi',
			data: { apiToken: SANDBOX_TOKEN, baseUrl: 'http://127.0.0.1:8787' },
		});
		expect(inboundCurl('http://127.0.0.1:8787')).toMatch(
			/^curl -X POST http:\/\/127\.0\.0\.1:8787\/sandbox\/inbound -H 'Content-Type: application\/json' \\\n {2}-d '\{.*\}'$/,
		);
	});
});

describe('npm run demo, for real (n8n 1.x)', () => {
	let demo: ReturnType<typeof childProcess.spawn> | undefined;
	let output = '';
	let exit: Promise<number | null>;
	let dataDir = '';
	let n8nPort = 0;
	let sandboxPort = 0;

	const waitFor = async (pattern: RegExp, timeoutMs: number) => {
		const until = Date.now() + timeoutMs;
		while (!pattern.test(output)) {
			if (Date.now() > until)
				throw new Error(`demo did not print ${pattern}; it printed:\n${output}`);
			if (demo?.exitCode !== null) throw new Error(`demo exited (${demo?.exitCode}):\n${output}`);
			await sleep(200);
		}
	};

	beforeAll(async () => {
		dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wappfly-demo-test-'));
		n8nPort = await getFreePort();
		sandboxPort = await getFreePort();
		demo = childProcess.spawn(
			'node',
			[
				path.join(PROJECT_DIR, 'scripts', 'demo.js'),
				'--port',
				String(n8nPort),
				'--sandbox-port',
				String(sandboxPort),
				'--data-dir',
				dataDir,
			],
			{ cwd: PROJECT_DIR, stdio: ['ignore', 'pipe', 'pipe'] },
		);
		demo.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
		demo.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
		exit = new Promise((resolve) => demo?.on('exit', (code) => resolve(code)));
		await waitFor(/Press Ctrl-C to stop everything/, 5 * MINUTE);
	}, 6 * MINUTE);

	afterAll(async () => {
		if (demo && demo.exitCode === null) {
			demo.kill('SIGKILL');
			await exit;
		}
		if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
	});

	test('prints the editor URL, the login and the curl command', () => {
		expect(output).toContain(`n8n editor : http://127.0.0.1:${n8nPort}/`);
		expect(output).toContain(`log in   : ${OWNER.email} / ${OWNER.password}`);
		expect(output).toContain(inboundCurl(`http://127.0.0.1:${sandboxPort}`));
	});

	test('the editor is served and the printed login works', async () => {
		const page = await fetch(`http://127.0.0.1:${n8nPort}/`);
		expect(page.status).toBe(200);
		expect(await page.text()).toMatch(/<html/i);
		const login = await fetch(`http://127.0.0.1:${n8nPort}/rest/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({
				email: OWNER.email,
				emailOrLdapLoginId: OWNER.email,
				password: OWNER.password,
			}),
		});
		expect(login.status).toBe(200);
	});

	test('the printed curl command gets an auto-reply from n8n', async () => {
		// The command as printed, minus the shell: POST /sandbox/inbound with its JSON body.
		const curl = inboundCurl(`http://127.0.0.1:${sandboxPort}`);
		const url = /curl -X POST (\S+)/.exec(curl)?.[1];
		const payload = /-d '(.*)'$/.exec(curl)?.[1];
		const inbound = await fetch(url ?? '', {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: payload,
		});
		expect(inbound.status).toBe(200);
		const { delivered, envelope } = (await inbound.json()) as {
			delivered: number;
			envelope: { data: { messages: { key: { id: string } } } };
		};
		expect(delivered).toBe(200);
		await waitFor(/\[sandbox\] POST \/api\/messages\/reply -> 200/, MINUTE);

		const history = await fetch(
			`http://127.0.0.1:${sandboxPort}/api/history?jid=15551234567@s.whatsapp.net&limit=50`,
			{ headers: { 'x-api-token': SANDBOX_TOKEN } },
		);
		const messages = (await history.json()) as Array<Record<string, unknown>>;
		const received = messages.find((m) => m.msg_id === envelope.data.messages.key.id);
		expect(received).toMatchObject({ from_me: 0, body: 'Hi! Is my order on its way?' });
		const replies = messages.filter(
			(m) =>
				m.from_me === 1 &&
				m.body === 'Hi Alice, thanks for your message! We got it and will get back to you shortly.',
		);
		expect(replies).toHaveLength(1);
		expect(output).not.toMatch(/POST \/api\/messages\/\w+ -> [45]\d\d/);
	});

	test('Ctrl-C (SIGINT) stops n8n and the sandbox and exits 0', async () => {
		demo?.kill('SIGINT');
		expect(await exit).toBe(0);
		expect(output).toContain('[demo] stopped.');
		for (const port of [n8nPort, sandboxPort]) {
			await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
		}
	});
});
