// The horn. Browsers only play sound after a user gesture, hence "Enable sound". Silencing stops
// the horn without acknowledging anything (ISA-18.2 keeps the two apart); a newly raised alarm
// sounds it again. Tones are synthesised: no audio files, works offline.

const PATTERNS = {
  // [frequency Hz, duration s] pairs, repeated every `every` seconds; more urgent is faster and higher.
  critical: {
    every: 1.0,
    tones: [
      [988, 0.18],
      [740, 0.18],
      [988, 0.18],
    ],
  },
  high: {
    every: 1.6,
    tones: [
      [880, 0.2],
      [660, 0.2],
    ],
  },
  medium: { every: 3.0, tones: [[660, 0.25]] },
  low: { every: 6.0, tones: [[523, 0.25]] },
};

export class Horn {
  constructor() {
    this.ctx = null;
    this.enabled = false;
    this.silenced = false;
    this.wanted = null; // highest priority with an unacknowledged, unshelved alarm
    this.timer = null;
    this.enableButton = document.getElementById('sound-enable');
    this.silenceButton = document.getElementById('sound-silence');
    this.note = document.getElementById('sound-note');
    this.enableButton.addEventListener('click', () => this.toggle());
    this.silenceButton.addEventListener('click', () => this.silence());
  }

  toggle() {
    this.enabled = !this.enabled;
    if (this.enabled) {
      this.ctx ??= new AudioContext();
      void this.ctx.resume();
    }
    this.enableButton.setAttribute('aria-pressed', String(this.enabled));
    this.update(this.wanted);
  }

  silence() {
    this.silenced = true;
    this.update(this.wanted);
  }

  /** A new alarm was raised (or re-announced): the horn sounds again even if silenced. */
  rearm() {
    this.silenced = false;
  }

  /** `priority`: the most urgent priority that should sound, or null. */
  update(priority) {
    this.wanted = priority;
    const sounding = priority !== null && !this.silenced;
    this.silenceButton.disabled = !sounding;
    this.note.hidden = this.enabled || priority === null;
    this.silenceButton.classList.toggle('sounding', sounding);
    clearInterval(this.timer);
    this.timer = null;
    if (!sounding || !this.enabled || !this.ctx) return;
    const pattern = PATTERNS[priority] ?? PATTERNS.high;
    this.play(pattern);
    this.timer = setInterval(() => this.play(pattern), pattern.every * 1000);
  }

  play(pattern) {
    const ctx = this.ctx;
    let t = ctx.currentTime + 0.02;
    for (const [freq, dur] of pattern.tones) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = 'square';
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, t);
      gain.gain.exponentialRampToValueAtTime(0.15, t + 0.01);
      gain.gain.exponentialRampToValueAtTime(0.0001, t + dur);
      osc.connect(gain).connect(ctx.destination);
      osc.start(t);
      osc.stop(t + dur + 0.02);
      t += dur + 0.04;
    }
  }
}
