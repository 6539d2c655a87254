import {
	NodeConnectionTypes,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IPollFunctions,
} from 'n8n-workflow';

import { pollMessages } from './poll';
import { pollingTriggerProperties } from './properties';

export class WappflyPollingTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Wappfly Polling Trigger',
		name: 'wappflyPollingTrigger',
		icon: { light: 'file:../../icons/wappfly.svg', dark: 'file:../../icons/wappfly.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle:
			'={{($parameter["options"] || {}).includeFromMe ? "On new message, sent or received" : "On new received message"}}',
		description:
			'Starts the workflow when new WhatsApp messages are found on a Wappfly line, checked on a schedule: no webhook needed',
		defaults: { name: 'Wappfly Polling Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'wappflyApi', required: true }],
		properties: pollingTriggerProperties,
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		return await pollMessages.call(this);
	}
}
