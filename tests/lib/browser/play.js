#!/usr/bin/env node
// play.js: plays one video in Debian's chromium, headless, through a proxy, and reports what
// the browser saw, as one JSON object on stdout: {played, firstFrameMs, waiting, errors,
// seekMs, advancedS, dropped, title, text, issuers}. Driven over the DevTools protocol
// (chrome-remote-interface, pinned by package-lock.json). Starts chromium itself and always
// stops it (by its pid); the whole run is bounded by --seconds.
//
// usage: node play.js --proxy http://127.0.0.1:PORT | --direct "MAP host addr, ..."
//                     --page URL [--seconds N] [--seek S]
//                     [--watch S] [--screenshot FILE] [--profile DIR] [--inject SCRIPT.js]
//                     [--home DIR] [--until EXPR]
// --watch: after the first frame, how long to watch it play (playedS: how far it got;
// stallMs: time spent rebuffering), before any seek.
// --inject: scripts (comma-separated) put into every page before its own (hls.js, dash.js),
// never fetched through the proxy.
// --direct: no proxy; chromium's host resolver rules map the names to the lab's addresses
// (every other name fails, as it does through the proxy).
// --home: chromium's HOME, whose .local/share/pki/nssdb holds the CAs it trusts (the caller
// puts them there with certutil; never --ignore-certificate-errors).
// --until: for a page that is not a player, a JavaScript expression to wait for (after load).
// issuers: for each host:port the browser reached over TLS, the issuer of the certificate it
// was shown (the origin's CA: spliced; the proxy's bump CA: decrypted).
// --page is the page to open (player.html#MEDIA to play MEDIA, or any URL to just load it).
"use strict";
const { spawn } = require("child_process");
const fs = require("fs");
const path = require("path");
const os = require("os");
const CDP = require("chrome-remote-interface");

function option(name, fallback) {
	const i = process.argv.indexOf("--" + name);
	return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}
const proxy = option("proxy");
const direct = option("direct");
const page = option("page");
const seconds = Number(option("seconds", "15"));
const seekTo = option("seek") === undefined ? null : Number(option("seek"));
const screenshot = option("screenshot");
const inject = option("inject");
const watch = Number(option("watch", "1"));
const home = option("home");
const until = option("until");
const profile = option("profile") || fs.mkdtempSync(path.join(os.tmpdir(), "kpoint-chromium."));
if ((!proxy && !direct) || !page) {
	console.error("usage: play.js --proxy URL --page URL [--seconds N] [--seek S] [--screenshot F]");
	process.exit(2);
}
const sleep = (ms) => new Promise((res) => setTimeout(res, ms));
const deadline = Date.now() + seconds * 1000;

// Background networking off: this machine's network is closed, and nothing may leave the lab.
const browser = spawn("chromium", [
	"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
	"--disable-background-networking", "--disable-component-update", "--disable-sync",
	"--disable-default-apps", "--disable-extensions", "--metrics-recording-only",
	"--disable-client-side-phishing-detection", "--disable-domain-reliability", "--no-pings",
	"--safebrowsing-disable-auto-update", "--disable-breakpad",
	"--disable-features=OptimizationHints,MediaRouter,Translate,AutofillServerCommunication," +
	    "CertificateTransparencyComponentUpdater,InterestFeedContentSuggestions",
	"--autoplay-policy=no-user-gesture-required", "--mute-audio",
	// Chromium resolves no name of its own beyond the lab's: every other name fails here, so
	// not even a DNS query for its background services leaves the machine
	...(proxy ? ["--proxy-server=" + proxy, "--proxy-bypass-list=<-loopback>",
	    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"] :
	    ["--no-proxy-server", "--host-resolver-rules=" + direct + ", MAP * ~NOTFOUND"]),
	"--user-data-dir=" + profile, "--remote-debugging-port=0", "--window-size=400,360",
	"about:blank",
], { stdio: ["ignore", "ignore", "pipe"],
    env: home ? { ...process.env, HOME: home } : process.env });
let stderr = "";
browser.stderr.on("data", (d) => { stderr += d; });
const stop = () => { try { browser.kill("SIGKILL"); } catch (e) { /* gone */ } };
process.on("exit", stop);

async function devtoolsPort() {
	const file = path.join(profile, "DevToolsActivePort");
	while (Date.now() < deadline) {
		try {
			const port = Number(fs.readFileSync(file, "utf8").split("\n")[0]);
			if (port > 0) return port;
		} catch (e) { /* not yet */ }
		await sleep(50);
	}
	throw new Error("chromium gave no DevTools port: " + stderr.slice(-500));
}

async function main() {
	const client = await CDP({ port: await devtoolsPort() });
	const { Page, Runtime, Network } = client;
	await Page.enable();
	const issuers = {};
	Network.responseReceived(({ response }) => {
		if (response.securityDetails) {
			const u = new URL(response.url);
			issuers[u.host || u.hostname] = response.securityDetails.issuer;
		}
	});
	await Network.enable();
	// run when the document is there (dash.js wants it), before the page's own DOMContentLoaded
	// handlers (the player starts in one): listeners added first run first
	for (const file of inject ? inject.split(",") : [])
		await Page.addScriptToEvaluateOnNewDocument({ source:
		    "window.addEventListener('DOMContentLoaded', function () {\n" +
		    fs.readFileSync(file, "utf8") + "\n});" });
	const evaluate = async (expr, awaitPromise) => {
		const r = await Runtime.evaluate({ expression: expr, returnByValue: true, awaitPromise });
		return r.result.value;
	};
	await Page.navigate({ url: page });
	const out = { played: false, firstFrameMs: null, waiting: 0, errors: [], seekMs: null };
	// a player page: until its first frame, an error, or the deadline; any other page (an
	// error page, say): until it has loaded
	let report = null;
	while (Date.now() < deadline) {
		const state = JSON.parse(await evaluate(`JSON.stringify({
			report: window.report || null, href: location.href,
			complete: document.readyState === "complete" })`, false));
		report = state.report;
		if (report ? report.firstFrame !== null || report.errors.length > 0 :
		    state.complete && state.href !== "about:blank" &&
		    (!until || await evaluate("Boolean(" + until + ")", false)))
			break;
		await sleep(100);
	}
	if (report) {
		out.played = report.firstFrame !== null;
		out.firstFrameMs = report.firstFrame === null ? null : Math.round(report.firstFrame);
		out.errors = report.errors;
	}
	if (out.played) {
		// plays on for a second, then a seek (a Range request), then plays on
		const t1 = await evaluate("document.getElementById('v').currentTime", false);
		await sleep(watch * 1000);
		out.playedS = Number(((await evaluate("document.getElementById('v').currentTime",
		    false)) - t1).toFixed(2));
		out.watchedS = watch;
		out.stallMs = Math.round(await evaluate(`window.report.stallMs +
		    (window.report.stallSince === null ? 0 : performance.now() - window.report.stallSince)`,
		    false));
		if (seekTo !== null) {
			out.seekMs = await evaluate(`new Promise((res) => {
				const v = document.getElementById("v"), t = performance.now();
				v.addEventListener("seeked", () => res(Math.round(performance.now() - t)),
				    { once: true });
				v.currentTime = ${seekTo};
				setTimeout(() => res(null), ${Math.max(1000, deadline - Date.now() - 2000)});
			})`, true);
			const t2 = await evaluate("document.getElementById('v').currentTime", false);
			await sleep(700);
			out.afterSeekAdvancedS = Number(((await evaluate(
			    "document.getElementById('v').currentTime", false)) - t2).toFixed(2));
		}
		out.waiting = await evaluate("window.report.waiting", false);
		out.dropped = await evaluate(
		    "document.getElementById('v').getVideoPlaybackQuality().droppedVideoFrames", false);
	}
	out.title = await evaluate("document.title", false);
	out.issuers = issuers;
	out.text = (await evaluate("document.body ? document.body.innerText : ''", false) || "")
	    .slice(0, 300);
	if (screenshot) {
		const shot = await Page.captureScreenshot({ format: "png" });
		fs.writeFileSync(screenshot, Buffer.from(shot.data, "base64"));
	}
	await client.close();
	return out;
}

const timer = setTimeout(() => {
	console.log(JSON.stringify({ played: false, errors: ["play.js: out of time"] }));
	process.exit(1);
}, seconds * 1000 + 5000);
main().then((out) => {
	clearTimeout(timer);
	console.log(JSON.stringify(out));
	stop();
	process.exit(0);
}, (e) => {
	clearTimeout(timer);
	console.log(JSON.stringify({ played: false, errors: ["play.js: " + e.message] }));
	stop();
	process.exit(1);
});
