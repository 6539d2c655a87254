import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import {
	SEND_AND_WAIT_TOOLTIP,
	sendAndWaitWebhook,
	sendAndWaitWebhooks,
} from './actions/message/sendAndWait.operation';
import { resourceProperties } from './actions/resource';
import { resources, route } from './actions/router';
import { searchChats } from './methods/listSearch';

export class Wappfly implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Wappfly',
		name: 'wappfly',
		icon: { light: 'file:../../icons/wappfly.svg', dark: 'file:../../icons/wappfly.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Send and read WhatsApp messages through Wappfly',
		defaults: { name: 'Wappfly' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'wappflyApi', required: true }],
		// Send and Wait for Response: the page and the answer behind the links of a waiting execution.
		webhooks: sendAndWaitWebhooks,
		waitingNodeTooltip: SEND_AND_WAIT_TOOLTIP,
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: resources.map(({ name, value }) => ({ name, value })),
				default: 'message',
			},
			...resources.flatMap(resourceProperties),
		],
	};

	methods = { listSearch: { searchChats } };

	webhook = sendAndWaitWebhook;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		// Resource and Operation take no expressions: the first item's are every item's.
		const resource = this.getNodeParameter('resource', 0) as string;
		const operation = this.getNodeParameter('operation', 0) as string;
		const waiting = resources.find(({ value }) => value === resource)?.waiting?.[operation];
		if (waiting) return await waiting.execute.call(this);
		return await route.call(this);
	}
}
