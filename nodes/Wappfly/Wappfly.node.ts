import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

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

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await route.call(this);
	}
}
