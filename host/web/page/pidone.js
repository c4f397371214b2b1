// pidone web: boot the system in v86 with its serial console (ttyS0) in
// xterm.js. The boot's files and kernel command line are in the page's
// #boot JSON, written by pidone.
"use strict";
(function () {
	const statusLine = document.getElementById("status");
	const started = performance.now();
	// window.pidone is for people at the browser's console and for tests:
	// the emulator, the terminal and the boot's timings (seconds).
	const state = (window.pidone = { ready: false });

	function say(text, phase) {
		statusLine.textContent = text;
		if (phase) {
			document.body.dataset.state = phase;
		}
	}
	function fail(text) {
		say(text, "error");
		state.error = text;
	}
	function seconds(since) {
		return ((performance.now() - since) / 1000).toFixed(1);
	}
	function mib(n) {
		return (n / 1048576).toFixed(1);
	}

	if (typeof WebAssembly !== "object" || typeof WebAssembly.Memory !== "function") {
		fail("This browser has no WebAssembly, which the emulator (v86) needs: use a current Firefox, Chrome, Edge or Safari, with WebAssembly allowed.");
		return;
	}
	if (typeof V86 !== "function" || typeof Terminal !== "function" || typeof FitAddon !== "object") {
		fail("The emulator's or the terminal's script did not load: reload the page.");
		return;
	}
	const boot = JSON.parse(document.getElementById("boot").textContent);
	const vgaMem = 2 * 1048576;
	try {
		// The guest's memory is one WebAssembly memory: find out now,
		// with a clear message, whether the browser can give it.
		new WebAssembly.Memory({ initial: (boot.mem * 1048576 + vgaMem) / 65536 });
	} catch (e) {
		fail(`This browser cannot give the emulator ${boot.mem} MiB of memory (${e.message}): close other tabs, or serve a system with less (pidone web --mem).`);
		return;
	}

	const term = new Terminal({
		cursorBlink: true,
		scrollback: 10000,
		fontFamily: "ui-monospace, 'DejaVu Sans Mono', 'Liberation Mono', Menlo, Consolas, monospace",
		fontSize: 14,
		theme: { background: "#111111" },
	});
	const fit = new FitAddon.FitAddon();
	term.loadAddon(fit);
	term.open(document.getElementById("terminal"));
	fit.fit();
	window.addEventListener("resize", () => fit.fit());
	state.term = term;

	// Copy and paste on Ctrl+Shift+C and V: Ctrl+C is the guest's.
	term.attachCustomKeyEventHandler((e) => {
		if (e.type !== "keydown" || !e.ctrlKey || !e.shiftKey || !navigator.clipboard) {
			return true;
		}
		if (e.code === "KeyC") {
			navigator.clipboard.writeText(term.getSelection());
			return false;
		}
		if (e.code === "KeyV") {
			navigator.clipboard.readText().then((t) => term.paste(t));
			return false;
		}
		return true;
	});

	// A serial line has no size: the guest learns the terminal's at boot
	// (pidone.winsize). Resizing the window later reflows the terminal
	// only.
	let cmdline = boot.cmdline;
	if (!/(^| )pidone\.winsize=/.test(cmdline)) {
		cmdline += ` pidone.winsize=${term.cols}x${term.rows}`;
	}

	let emulator;
	try {
		emulator = new V86({
			wasm_path: boot.wasm,
			memory_size: boot.mem * 1048576,
			vga_memory_size: vgaMem,
			bios: { url: boot.bios },
			vga_bios: { url: boot.vgabios },
			bzimage: { url: boot.kernel },
			initrd: { url: boot.initrd },
			cmdline: cmdline,
			autostart: true,
			disable_keyboard: true,
			disable_mouse: true,
			disable_speaker: true,
		});
	} catch (e) {
		fail(`The emulator did not start: ${e.message}`);
		return;
	}
	state.emulator = emulator;

	emulator.add_listener("download-progress", (p) => {
		let text = `Downloading ${p.file_name} (${p.file_index + 1} of ${p.file_count})`;
		if (p.lengthComputable) {
			text += `: ${mib(p.loaded)} of ${mib(p.total)} MiB`;
		}
		say(text, "loading");
	});
	emulator.add_listener("download-error", (e) => fail(`Could not download ${e.file_name}: reload the page.`));

	let bootStart = 0;
	let ticker = 0;
	emulator.add_listener("emulator-started", () => {
		bootStart = performance.now();
		state.loadSeconds = (bootStart - started) / 1000;
		const tick = () => say(`Booting Linux in the emulator: ${seconds(bootStart)} s`, "booting");
		tick();
		ticker = setInterval(tick, 500);
	});

	// The prompt of pidone's shell: host:dir# at the end of the output.
	const prompt = /(^|\n)[a-z0-9.-]+:[^\n]*# $/;
	let tail = "";
	let pending = [];
	function flush() {
		const bytes = Uint8Array.from(pending);
		pending = [];
		term.write(bytes);
		// Latin-1 is enough to see ASCII prompts and kernel lines.
		tail = (tail + String.fromCharCode.apply(null, bytes)).replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "").replace(/\r/g, "").slice(-512);
		if (!state.ready && prompt.test(tail)) {
			clearInterval(ticker);
			state.ready = true;
			state.bootSeconds = (performance.now() - bootStart) / 1000;
			say(`Ready: booted to the prompt in ${state.bootSeconds.toFixed(1)} s. Type commands; poweroff stops the machine.`, "ready");
			term.focus();
		} else if (/reboot: Power down\n?$/.test(tail)) {
			emulator.stop();
			say("The system powered off: reload the page to boot it again.", "off");
		} else if (/reboot: Restarting system\n?$/.test(tail)) {
			state.ready = false;
		}
	}
	emulator.add_listener("serial0-output-byte", (b) => {
		if (pending.push(b) === 1) {
			setTimeout(flush, 4);
		}
	});
	const utf8 = new TextEncoder();
	term.onData((data) => {
		// serial0_send sends each UTF-16 unit as a byte: give it UTF-8.
		emulator.serial0_send(String.fromCharCode.apply(null, utf8.encode(data)));
	});
	window.addEventListener("unhandledrejection", (e) => {
		if (!state.ready) {
			fail(`The emulator stopped: ${e.reason && e.reason.message ? e.reason.message : e.reason}`);
		}
	});
})();
