/**
 * Send and Wait for Response through n8n-core: what goes to Wappfly, how the execution is put to
 * wait, and every input refused before anything is sent. Opening the links and resuming happen in
 * a real n8n (test/e2e/send-and-wait.e2e.test.ts).
 */
import { Container } from '@n8n/di';
import { InstanceSettings, generateUrlSignature, prepareUrlForSigning } from 'n8n-core';
import { NodeHelpers, WAIT_INDEFINITELY, type INodeParameters } from 'n8n-workflow';

import { Wappfly } from '../../nodes/Wappfly/Wappfly.node';
import { byId, run, useWappflyServer } from '../harness/fixtures';
import { ResumeHarness } from '../harness/resume';

const { server, credentials } = useWappflyServer();

const ALICE = '15551234567@s.whatsapp.net';
const HOUR = 3_600_000;

function ask(parameters: INodeParameters = {}): INodeParameters {
	return {
		resource: 'message',
		operation: 'sendAndWait',
		to: byId('+1 555 123 4567'),
		message: 'Approve the refund?',
		...parameters,
	};
}

function sentText(): string {
	const sends = server().requests.filter((r) => r.path === '/api/messages/send');
	expect(sends).toHaveLength(1);
	return (sends[0].body as { text: string }).text;
}

/** `*Label:*` followed by a URL on the next line, as the message lists its links. */
function links(text: string) {
	return [...text.matchAll(/\*([^*\n]+):\*\n(\S+)/g)].map((m) => ({
		label: m[1],
		url: new URL(m[2]),
	}));
}

describe('the message and the wait', () => {
	test('approval with a decline link: both links signed by n8n for this execution and node', async () => {
		const result = await run(
			credentials(),
			ask({ approvalOptions: { values: { approvalType: 'double' } } }),
			{ items: [{ json: { order: 'A-17' } }, { json: { order: 'B-2' } }] },
		);
		expect(result.error).toBeUndefined();
		const body = server().requests[0].body as { to: string; text: string };
		expect(body.to).toBe(ALICE);
		const text = sentText();
		expect(text.startsWith('Approve the refund?\n\n*✗ Decline:*\nhttp://127.0.0.1:5678/')).toBe(
			true,
		);
		const [decline, approve] = links(text);
		expect([decline.label, approve.label]).toEqual(['✗ Decline', '✓ Approve']);
		const secret = Container.get(InstanceSettings).hmacSignatureSecret;
		for (const [link, approved] of [
			[decline, 'false'],
			[approve, 'true'],
		] as const) {
			expect(link.url.pathname).toBe('/webhook-waiting/test-execution/wappfly-node');
			expect(link.url.searchParams.get('approved')).toBe(approved);
			const unsigned = new URL(link.url);
			unsigned.searchParams.delete('signature');
			expect(link.url.searchParams.get('signature')).toBe(
				generateUrlSignature(prepareUrlForSigning(unsigned), secret),
			);
		}
		// The execution waits with no limit, and passes its input items on meanwhile.
		expect(result.run.status).toBe('waiting');
		expect(result.run.waitTill).toEqual(WAIT_INDEFINITELY);
		expect(result.run.data.validateSignature).toBe(true);
		expect(result.items.map((i) => i.json)).toEqual([{ order: 'A-17' }, { order: 'B-2' }]);
	});

	test('one message per run, with the first item’s values (as n8n’s own send-and-wait nodes)', async () => {
		await run(
			credentials(),
			ask({ to: byId('={{ $json.to }}'), message: '=Hi {{ $json.name }}' }),
			{
				items: [
					{ json: { to: '+15551234567', name: 'Alice' } },
					{ json: { to: '+447700900123', name: 'Bob' } },
				],
			},
		);
		expect(server().requests).toHaveLength(1);
		expect(server().requests[0].body).toMatchObject({ to: ALICE });
		expect(sentText()).toMatch(/^Hi Alice\n\n\*✓ Approve:\*\nhttp/);
	});

	test('custom labels; Free Text and Custom Form have one link, named by Message Button Label', async () => {
		await run(
			credentials(),
			ask({ approvalOptions: { values: { approveLabel: 'Yes, refund it' } } }),
		);
		expect(links(sentText()).map((l) => l.label)).toEqual(['Yes, refund it']);
		for (const parameters of [
			{ responseType: 'freeText' },
			{
				responseType: 'customForm',
				formFields: { values: [{ fieldLabel: 'Name' }] },
				options: { messageButtonLabel: 'Open the form' },
			},
		]) {
			server().reset();
			await run(credentials(), ask(parameters));
			const [link] = links(sentText());
			expect(link.label).toBe(parameters.responseType === 'freeText' ? 'Respond' : 'Open the form');
			expect(link.url.searchParams.get('approved')).toBe('true');
		}
	});

	test('Limit Wait Time: after an interval, or at a date', async () => {
		const before = Date.now();
		const interval = await run(
			credentials(),
			ask({ options: { limitWaitTime: { values: { resumeAmount: 2, resumeUnit: 'hours' } } } }),
		);
		const after = Date.now();
		const waitTill = interval.run.waitTill?.getTime() ?? 0;
		expect(waitTill).toBeGreaterThanOrEqual(before + 2 * HOUR);
		expect(waitTill).toBeLessThanOrEqual(after + 2 * HOUR);

		const at = new Date(after + 24 * HOUR);
		const dated = await run(
			credentials(),
			ask({
				options: {
					limitWaitTime: {
						values: { limitType: 'atSpecifiedTime', maxDateAndTime: at.toISOString() },
					},
				},
			}),
		);
		expect(dated.run.waitTill).toEqual(at);
	});

	test('Continue On Fail: a refused send gives an error item and no wait', async () => {
		server().state.requestsUsed = server().state.quota;
		const result = await run(credentials(), ask(), { continueOnFail: true });
		expect(result.run.status).not.toBe('waiting');
		expect(result.run.waitTill).toBeUndefined();
		expect(result.items).toEqual([
			{
				json: { error: expect.stringMatching(/^Quota exceeded/), description: expect.any(String) },
				pairedItem: { item: 0 },
			},
		]);
	});
});

describe('bad input is refused before anything is sent', () => {
	const field = (extra: object) => ({ formFields: { values: [{ fieldLabel: 'A', ...extra }] } });
	const form = (parameters: INodeParameters) => ask({ responseType: 'customForm', ...parameters });
	const cases: Array<[string, INodeParameters, RegExp, RegExp]> = [
		['an empty message', ask({ message: '={{ "" }}' }), /Message is empty/, /Enter the text/],
		['a bad recipient', ask({ to: byId('call me') }), /Invalid To "call me"/, /country code/],
		[
			'a message too long once the links are added',
			ask({ message: 'x'.repeat(65_400) }),
			/Message is \d+ characters long with its links/,
			/Shorten/,
		],
		[
			'a custom form without fields',
			form({}),
			/custom form cannot be shown: the form has no fields/,
			/at least one form element/,
		],
		[
			'a dropdown without options',
			form(field({ fieldType: 'dropdown' })),
			/field "A" \(Dropdown\) has no options/,
			/need their options/,
		],
		[
			'an element type this node cannot show',
			form(field({ fieldType: 'file' })),
			/field "A" has the type "file"; supported types: /,
			/form element/,
		],
		[
			'two fields with one label',
			form({ formFields: { values: [{ fieldLabel: 'A' }, { fieldLabel: 'A ' }] } }),
			/two fields are labelled "A"/,
			/form element/,
		],
		[
			'JSON that does not parse',
			form({ defineForm: 'json', jsonOutput: '[{ "fieldLabel": }]' }),
			/the JSON does not parse/,
			/form element/,
		],
		[
			'a limit of 0 minutes',
			ask({ options: { limitWaitTime: { values: { resumeAmount: 0 } } } }),
			/Invalid Limit Wait Time "0 minutes"/,
			/above 0/,
		],
		[
			'a limit date already past',
			ask({
				options: {
					limitWaitTime: {
						values: { limitType: 'atSpecifiedTime', maxDateAndTime: '2001-01-01T00:00:00Z' },
					},
				},
			}),
			/Max Date and Time 2001-01-01T00:00:00.000Z is already past/,
			/later date/,
		],
		[
			'a limit date that is not a date',
			ask({
				options: {
					limitWaitTime: { values: { limitType: 'atSpecifiedTime', maxDateAndTime: 'soon' } },
				},
			}),
			/Invalid Limit Wait Time > Max Date and Time "soon"/,
			/2026-12-24T18:00:00Z/,
		],
		[
			'a negative timeout',
			ask({ options: { timeout: -1 } }),
			/Invalid Timeout "-1"/,
			/milliseconds/,
		],
	];
	test.each(cases)('%s', async (_name, parameters, message, fix) => {
		const result = await run(credentials(), parameters);
		expect(server().requests).toEqual([]);
		expect(result.run.waitTill).toBeUndefined();
		expect(result.error?.message).toMatch(message);
		expect(result.error?.description).toMatch(fix);
	});
});

describe('the pages behind the links (the node’s webhook, as n8n calls it)', () => {
	let pages: ResumeHarness;
	beforeAll(async () => {
		pages = new ResumeHarness(credentials());
		await pages.listen();
	});
	afterAll(async () => await pages.close());

	/** Runs the node until it waits, and points the pages at that execution; returns its links. */
	async function waiting(parameters: INodeParameters, json = { order: 'A-17' }) {
		server().reset();
		const result = await run(credentials(), ask(parameters), { items: [{ json }] });
		expect(result.run.status).toBe('waiting');
		pages.waitingFor(ask(parameters), result.run.data);
		return links(sentText()).map((l) => l.url.href);
	}

	const resumedWith = (data: object) => ({
		noWebhookResponse: true,
		workflowData: [[{ json: { data }, pairedItem: { item: 0 } }]],
	});

	test('approval: opening a link shows the message and one button and resumes nothing', async () => {
		const [decline, approve] = await waiting({
			message: '=Refund <b>{{ $json.order }}</b> & "more"?',
			approvalOptions: { values: { approvalType: 'double' } },
		});
		const page = await pages.open(approve);
		expect(page.status).toBe(200);
		expect(page.result).toEqual({ noWebhookResponse: true });
		expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
		expect(page.headers['content-security-policy']).toMatch(/default-src 'none'/);
		expect(page.headers['referrer-policy']).toBe('no-referrer');
		expect(page.headers['cache-control']).toBe('no-store');
		// The message is the evaluated expression, escaped.
		expect(page.html).toContain('Refund &lt;b&gt;A-17&lt;/b&gt; &amp; &quot;more&quot;?');
		expect(page.html).not.toContain('<b>');
		expect(page.html).toContain('<form method="post"><button type="submit">✓ Approve</button>');
		expect(page.html).not.toMatch(/<script|https?:\/\//);
		const declinePage = await pages.open(decline);
		expect(declinePage.html).toContain('<button type="submit" class="decline">✗ Decline</button>');
		expect(declinePage.result).toEqual({ noWebhookResponse: true });
	});

	test('approval: the button (a POST to the link) answers with data.approved', async () => {
		const [decline, approve] = await waiting({
			approvalOptions: { values: { approvalType: 'double' } },
		});
		const approved = await pages.open(approve, []);
		expect(approved.status).toBe(200);
		expect(approved.html).toContain('Got it, thanks');
		expect(approved.result).toEqual(resumedWith({ approved: true }));
		expect((await pages.open(decline, [])).result).toEqual(resumedWith({ approved: false }));
	});

	test('free text: the form, an empty answer refused, a text answered', async () => {
		const [link] = await waiting({
			responseType: 'freeText',
			options: { responseFormTitle: 'Customer reply', responseFormButtonLabel: 'Send' },
		});
		const form = await pages.open(link);
		expect(form.html).toContain('<h1>Customer reply</h1>');
		expect(form.html).toContain('<p class="message">Approve the refund?</p>');
		expect(form.html).toMatch(/<textarea id="f0" name="field-0" required><\/textarea>/);
		expect(form.html).toContain('<button type="submit">Send</button>');
		expect(form.result).toEqual({ noWebhookResponse: true });

		const empty = await pages.open(link, [['field-0', ' ']]);
		expect(empty.status).toBe(422);
		expect(empty.html).toContain('Response is required.');
		expect(empty.result).toEqual({ noWebhookResponse: true });

		const answered = await pages.open(link, [['field-0', 'Tomorrow <10 am>']]);
		expect(answered.result).toEqual(resumedWith({ text: 'Tomorrow <10 am>' }));
	});

	const formFields = {
		values: [
			{ fieldLabel: 'Name', requiredField: true, placeholder: 'Your name' },
			{ fieldLabel: 'Quantity', fieldType: 'number' },
			{
				fieldLabel: 'Delivery',
				fieldType: 'dropdown',
				requiredField: true,
				fieldOptions: { values: [{ option: 'Pick-up' }, { option: 'Courier' }] },
			},
			{
				fieldLabel: 'Extras',
				fieldType: 'checkbox',
				fieldOptions: { values: [{ option: 'Gift wrap' }, { option: 'Card' }] },
			},
			{ fieldLabel: 'Contact', fieldType: 'email' },
			{ fieldLabel: 'When', fieldType: 'date' },
		],
	};

	test('custom form: every field shown, bad values refused with the form kept, good ones answered', async () => {
		const [link] = await waiting({ responseType: 'customForm', formFields });
		const form = await pages.open(link);
		expect(form.html).toContain(
			'<label for="f0">Name *</label><input id="f0" type="text" name="field-0" value="" placeholder="Your name" required>',
		);
		expect(form.html).toContain('<input id="f1" type="number" name="field-1" value="" step="any">');
		expect(form.html).toContain('<option value="Courier">Courier</option>');
		expect(form.html).toContain('<input type="checkbox" name="field-3" value="Gift wrap">');
		expect(form.html).toContain('type="email" name="field-4"');
		expect(form.html).toContain('type="date" name="field-5"');

		const bad = await pages.open(link, [
			['field-0', 'Alice'],
			['field-1', 'three'],
			['field-2', 'Drone'],
			['field-3', 'Balloon'],
			['field-4', 'alice'],
			['field-5', '31/12/2026'],
		]);
		expect(bad.status).toBe(422);
		expect(bad.result).toEqual({ noWebhookResponse: true });
		for (const error of [
			'Quantity must be a number.',
			'Delivery: unknown option.',
			'Extras: unknown option.',
			'Contact must be an email address.',
			'When must be a date.',
		]) {
			expect(bad.html).toContain(error);
		}
		expect(bad.html).toContain('name="field-0" value="Alice"');

		expect((await pages.open(link, [['field-1', '2']])).html).toContain('Name is required.');

		const good = await pages.open(link, [
			['field-0', 'Alice'],
			['field-2', 'Courier'],
			['field-3', 'Gift wrap'],
			['field-3', 'Card'],
			['field-5', '2026-12-24'],
		]);
		expect(good.result).toEqual(
			resumedWith({
				Name: 'Alice',
				Quantity: null,
				Delivery: 'Courier',
				Extras: ['Gift wrap', 'Card'],
				Contact: '',
				When: '2026-12-24',
			}),
		);
	});

	test('custom form defined in JSON, as n8n’s Form node writes it', async () => {
		const [link] = await waiting({
			responseType: 'customForm',
			defineForm: 'json',
			jsonOutput: JSON.stringify([
				{
					fieldLabel: 'Rating',
					fieldType: 'radio',
					fieldOptions: { values: [{ option: 'Good' }, { option: 'Bad' }] },
				},
				{ fieldLabel: 'Comment', fieldType: 'textarea' },
			]),
		});
		expect((await pages.open(link)).html).toContain(
			'<input type="radio" name="field-0" value="Good">',
		);
		const answered = await pages.open(link, [
			['field-0', 'Good'],
			['field-1', 'Fast delivery'],
		]);
		expect(answered.result).toEqual(resumedWith({ Rating: 'Good', Comment: 'Fast delivery' }));
	});
});

describe('in the node’s description', () => {
	const { description } = new Wappfly();
	const operations = description.properties.filter(
		(p) => p.name === 'operation' && p.displayOptions?.show?.resource?.includes('message'),
	);
	const shown = (tool: boolean) =>
		operations.filter((p) =>
			NodeHelpers.displayParameter({ resource: 'message' }, p, { typeVersion: 1 } as never, {
				...description,
				name: tool ? 'wappflyTool' : 'wappfly',
			}),
		);

	test('the AI tool variant offers every operation but Send and Wait for Response', () => {
		const values = (tool: boolean) =>
			shown(tool).flatMap((p) => (p.options ?? []).map((o) => ('value' in o ? o.value : '')));
		expect(shown(false)).toHaveLength(1);
		expect(shown(true)).toHaveLength(1);
		expect(values(false)).toContain('sendAndWait');
		expect(values(true)).not.toContain('sendAndWait');
		expect(values(true)).toEqual(values(false).filter((v) => v !== 'sendAndWait'));
	});

	test('the resume webhooks are n8n’s restart webhooks at <resume URL>/<node id>', () => {
		expect(description.webhooks).toEqual(
			['GET', 'POST'].map((httpMethod) =>
				expect.objectContaining({
					httpMethod,
					path: '={{ $nodeId }}',
					restartWebhook: true,
					isFullPath: true,
				}),
			),
		);
	});
});
