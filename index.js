// n8n loads the nodes and credentials listed in package.json's "n8n" section; this entry point
// only lets `require('n8n-nodes-wappfly')` resolve to the same classes.
module.exports = {
	Wappfly: require('./dist/nodes/Wappfly/Wappfly.node.js').Wappfly,
	WappflyTrigger: require('./dist/nodes/WappflyTrigger/WappflyTrigger.node.js').WappflyTrigger,
	WappflyPollingTrigger: require('./dist/nodes/WappflyPollingTrigger/WappflyPollingTrigger.node.js')
		.WappflyPollingTrigger,
	WappflyApi: require('./dist/credentials/WappflyApi.credentials.js').WappflyApi,
};
