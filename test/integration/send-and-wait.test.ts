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
