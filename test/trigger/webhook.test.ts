import { WappflyTrigger } from '../../nodes/WappflyTrigger/WappflyTrigger.node';
import { STATIC_DATA_KEY } from '../harness/webhook';
import { SEED } from '../server/wappfly-server';
import { clone, envelope, REFERENCE_ENVELOPE, typeFixtures } from './fixtures';
import { useTrigger } from './helpers';

const { server, start } = useTrigger();

const STARTED = { message: 'Workflow was started' };

describe('the node description', () => {
	const { description } = new WappflyTrigger();

	test('one POST webhook at <webhookId>/webhook that answers on receipt', () => {
		expect(description.webhooks).toEqual([
			{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' },
		]);
		expect(description.group).toEqual(['trigger']);
		expect(description.inputs).toEqual([]);
		expect(description.credentials).toEqual([{ name: 'wappflyApi', required: true }]);
	});

	test('is not usable as a tool and explains the Test and Production URLs', () => {
		expect((description as { usableAsTool?: boolean }).usableAsTool).toBeUndefined();
		const panel = JSON.stringify(description.triggerPanel);
		expect(panel).toContain('Test URL');
		expect(panel).toContain('Production URL');
		expect(panel).toContain('Wappfly dashboard');
		expect(panel).toContain('One URL serves one WhatsApp line');
		expect(description.subtitle).toBeDefined();
	});
});

describe('a message from Wappfly starts one execution', () => {
	test('the contract server delivers the reference envelope: one simplified item', async () => {
		const trigger = await start();
		const envelopeSent = server().inboundEnvelope({ id: SEED.incomingMsgId });
		const delivered = await server().sendInbound(trigger.productionUrl, envelopeSent);
		await trigger.idle();

		expect(delivered.status).toBe(200);
		expect(JSON.parse(delivered.body)).toEqual(STARTED);
		expect(trigger.calls).toHaveLength(1);
		const [call] = trigger.calls;
		expect(call.nodeAnswered).toBe(true);
		expect(call.started).toEqual([
			{
				json: {
					messageId: SEED.incomingMsgId,
					chatJid: '15551234567@s.whatsapp.net',
					isGroup: false,
					from: '15551234567',
					fromJid: '15551234567@s.whatsapp.net',
					senderName: 'Alice',
					type: 'text',
					text: 'merhaba',
					mimeType: null,
					fileName: null,
					quotedMessageId: null,
					timestamp: new Date(envelopeSent.data.messages.messageTimestamp * 1000).toISOString(),
					sessionId: 8,
				},
			},
		]);
	});

	test('Simplify off: the envelope exactly as received', async () => {
		const trigger = await start({ simplify: false });
		const body = clone(REFERENCE_ENVELOPE);
		const call = await trigger.post(body);
		expect(call.status).toBe(200);
		expect(call.started).toEqual([{ json: REFERENCE_ENVELOPE }]);
	});

	test.each(typeFixtures().map((fixture) => [fixture.name, fixture] as const))(
		'%s',
		async (_name, fixture) => {
			const trigger = await start();
			const call = await trigger.post(
				envelope({ message: fixture.message, messageBody: fixture.messageBody, id: 'FIXTURE1' }),
			);
			expect(call.status).toBe(200);
			expect(call.response).toEqual(STARTED);
			expect(call.started).toHaveLength(1);
			const item = call.started![0];
			expect(item.binary).toBeUndefined();
			expect(item.json).toMatchObject({
				messageId: 'FIXTURE1',
				type: fixture.type,
				from: '15551234567',
				sessionId: 8,
				...fixture.expect,
			});
		},
	);

	test('a group message', async () => {
		const trigger = await start();
		const call = await trigger.post(
			server().inboundEnvelope({ group: SEED.groupJid, from: '+44 7700 900123', pushName: 'Bob' }),
		);
		expect(call.started?.[0].json).toMatchObject({
			chatJid: SEED.groupJid,
			isGroup: true,
			from: '447700900123',
			fromJid: '447700900123@s.whatsapp.net',
			senderName: 'Bob',
		});
	});

	test('the body also arrives as text/plain JSON or with a charset', async () => {
		const trigger = await start();
		const text = await trigger.post(JSON.stringify(REFERENCE_ENVELOPE), {
			contentType: 'text/plain',
		});
		expect(text.started).toHaveLength(1);
		const charset = await trigger.post(REFERENCE_ENVELOPE, {
			contentType: 'application/json; charset=utf-8',
		});
		expect(charset.started).toHaveLength(1);
	});

	test('the Test URL (manual execution) works the same way', async () => {
		const trigger = await start({}, { activate: false });
		await trigger.activate('manual', 'test');
		expect(trigger.nodeStaticData).toMatchObject({ sessionId: '8' });
		const call = await trigger.post(REFERENCE_ENVELOPE, { mode: 'test' });
		expect(call.status).toBe(200);
		expect(call.started?.[0].json.messageId).toBe('3EB06A40C80DF456A1B2');
		expect(await trigger.deactivate('test')).toBe(true);
		expect(trigger.workflow.staticData[STATIC_DATA_KEY]).toEqual({});
	});
});

describe('bodies that are not a message start nothing and are answered deliberately', () => {
	test.each<[string, number, unknown, string | null, RegExp]>([
		['JSON that is not an object', 400, '[1,2,3]', 'application/json', /^Not a Wappfly/],
		['an empty body', 400, '', 'application/json', /^Not a Wappfly/],
		['text that is not JSON', 400, 'hello', 'text/plain', /^Not a Wappfly/],
		['bytes without a content type', 400, Buffer.from([0, 1, 2, 255]), null, /^Not a Wappfly/],
		['an object without event', 400, { data: {} }, 'application/json', /^Not a Wappfly/],
		// A form has an event but no session: refused by Verify Session.
		[
			'form data',
			403,
			'event=messages.received',
			'application/x-www-form-urlencoded',
			/^Forbidden/,
		],
	])('%s -> %i', async (_name, status, body, contentType, error) => {
		const trigger = await start();
		const call = await trigger.post(body, { contentType });
		expect(call.status).toBe(status);
		expect(call.error).toBeUndefined();
		expect(call.started).toBeUndefined();
		expect(call.nodeAnswered).toBe(true);
		expect((call.response as { error: string }).error).toMatch(error);
	});

	test('malformed JSON is refused by n8n itself (422) before the node runs', async () => {
		const trigger = await start();
		const call = await trigger.post('{"event": "messages.rec', {});
		expect(call.status).toBe(422);
		expect(call.result).toBeUndefined();
		expect(call.started).toBeUndefined();
	});

	test('a messages.received envelope without data.messages.key -> 400', async () => {
		const trigger = await start();
		const body = clone(REFERENCE_ENVELOPE) as Record<string, unknown>;
		body.data = { messages: { messageBody: 'hi' } };
		const call = await trigger.post(body);
		expect(call.status).toBe(400);
		expect(call.response).toEqual({
			error: 'Not a Wappfly webhook payload: the body has no "data.messages.key"',
		});
		expect(call.started).toBeUndefined();
	});
});

describe('Events', () => {
	const unknownEvent = () => ({ ...clone(REFERENCE_ENVELOPE), event: 'messages.updated' });

	test('an unknown event is answered 200 and ignored by default', async () => {
		const trigger = await start();
		const call = await trigger.post(unknownEvent());
		expect(call.status).toBe(200);
		expect(call.response).toEqual({ message: 'Event ignored' });
		expect(call.started).toBeUndefined();
	});

	test('All Events lets it through, as received', async () => {
		const trigger = await start({ events: ['*'] });
		const call = await trigger.post(unknownEvent());
		expect(call.status).toBe(200);
		expect(call.started).toEqual([{ json: unknownEvent() }]);
		// Message Received is still simplified.
		const message = await trigger.post(REFERENCE_ENVELOPE);
		expect(message.started?.[0].json.type).toBe('text');
	});

	test('an event given by an expression as a string, not a list', async () => {
		const trigger = await start({ events: '={{ "messages" }}' });
		const call = await trigger.post(REFERENCE_ENVELOPE);
		expect(call.response).toEqual({ message: 'Event ignored' });
		expect(call.started).toBeUndefined();
	});

	test('an event chosen by expression', async () => {
		const trigger = await start({ events: '={{ ["messages.updated"] }}' });
		expect((await trigger.post(unknownEvent())).started).toHaveLength(1);
		const ignored = await trigger.post(REFERENCE_ENVELOPE);
		expect(ignored.response).toEqual({ message: 'Event ignored' });
		expect(ignored.started).toBeUndefined();
	});
});
