import {
	NodeConnectionTypes,
	type IHookFunctions,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { triggerProperties, type TriggerOptions } from './properties';
import { fetchSessionId, forgetSessionId, storedSessionId, storeSessionId } from './session';
import { compileFiltersOrThrow, handleWebhook } from './webhook';

const PASTE_TEST_URL =
	"<b>While building your workflow</b>, click 'Listen for test event', then paste this node's <b>Test URL</b> as the webhook URL of your WhatsApp line in the Wappfly dashboard and send a WhatsApp message to that number. The execution shows up in the editor.";
const ONE_LINE =
	"One URL serves one WhatsApp line: the line whose token is in this node's credential. Anyone who knows the URL can post to it: <b>Verify Session</b> refuses payloads meant for another line, and only a <b>Webhook Secret</b> stops forged requests. Recommended: set one under Options and append <code>?secret=</code> and the secret to the URL you paste.";

export class WappflyTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Wappfly Trigger',
		name: 'wappflyTrigger',
		icon: { light: 'file:../../icons/wappfly.svg', dark: 'file:../../icons/wappfly.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{($parameter["events"] || []).includes("*") ? "On any event" : "On new message"}}',
		description: 'Starts the workflow when a WhatsApp message arrives on a Wappfly line',
		defaults: { name: 'Wappfly Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'wappflyApi', required: true }],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				path: 'webhook',
			},
		],
		eventTriggerDescription: 'Waiting for a WhatsApp message to your Wappfly line',
		activationMessage:
			"Paste the Production URL into the Wappfly dashboard as the line's webhook URL: every message to the line now starts this workflow.",
		triggerPanel: {
			header: 'Paste the URL into the Wappfly dashboard',
			executionsHelp: {
				inactive: `${PASTE_TEST_URL}<br /><br /><b>Once the workflow works</b>, paste the <b>Production URL</b> there instead and <a data-key="activate">activate</a> the workflow: every message to the line then starts it, and the executions show up in the executions list, not in the editor.<br /><br />${ONE_LINE}`,
				active: `${PASTE_TEST_URL} Paste the <b>Production URL</b> back afterwards.<br /><br /><b>Your workflow is active</b>: with the Production URL in the Wappfly dashboard, every message to the line starts it. Those executions show up in the executions list, not in the editor.<br /><br />${ONE_LINE}`,
			},
			activationHint:
				'Once you\'ve finished building your workflow, paste the Production URL into the Wappfly dashboard and <a data-key="activate">activate</a> the workflow, so that it also listens continuously (you just won\'t see those executions here).',
		},
		properties: triggerProperties,
	};

	webhookMethods = {
		default: {
			/** Wappfly cannot register webhooks: what exists is the line's session ID in static data. */
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return storedSessionId.call(this) !== undefined;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				compileFiltersOrThrow.call(this);
				const options = this.getNodeParameter('options', {}) as TriggerOptions;
				// Without Verify Session nothing is compared: nothing is read from Wappfly.
				if (options.verifySession === false) forgetSessionId.call(this);
				else storeSessionId.call(this, await fetchSessionId.call(this));
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				forgetSessionId.call(this);
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await handleWebhook.call(this);
	}
}
