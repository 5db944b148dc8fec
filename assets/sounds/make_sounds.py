#!/usr/bin/env python3
"""Writes the till's sounds: paid.wav (a rising two-note chime), expired.wav (a low falling
two-tone) and late_paid.wav (three quick mid notes: an earlier sale was paid). Generated from sine waves here, so they are the project's own (CC0-1.0).

Run from anywhere: python3 assets/sounds/make_sounds.py
"""
import math
import os
import struct
import wave

RATE = 22050


def note(freq, secs, decay, gain=0.5):
    """A sine note with a short attack and an exponential decay, plus a soft octave overtone."""
    samples = []
    for i in range(int(RATE * secs)):
        t = i / RATE
        attack = min(1.0, t / 0.008)
        env = attack * math.exp(-t * decay)
        value = math.sin(2 * math.pi * freq * t) + 0.25 * math.sin(4 * math.pi * freq * t)
        samples.append(gain * env * value / 1.25)
    return samples


def mix(*parts):
    """Parts as (start_secs, samples), summed."""
    length = max(int(start * RATE) + len(s) for start, s in parts)
    out = [0.0] * length
    for start, samples in parts:
        offset = int(start * RATE)
        for i, v in enumerate(samples):
            out[offset + i] += v
    return out


def write(name, samples):
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), name)
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        frames = b"".join(
            struct.pack("<h", int(max(-1.0, min(1.0, v)) * 32767)) for v in samples
        )
        w.writeframes(frames)


# Paid: E6 then A6, bright and short, like a till's "ding-ding".
write("paid.wav", mix((0.0, note(1318.5, 0.35, 9.0)), (0.14, note(1760.0, 0.55, 6.0))))
# Expired: A4 then E4, lower and falling, unmistakably not the paid chime.
write("expired.wav", mix((0.0, note(440.0, 0.3, 7.0, 0.55)), (0.22, note(329.6, 0.5, 6.0, 0.55))))
# Late paid: C6 G5 C6, three quick mid notes: a payment for an earlier sale, never the chime of
# the sale on screen.
write(
    "late_paid.wav",
    mix(
        (0.0, note(1046.5, 0.18, 12.0, 0.45)),
        (0.12, note(784.0, 0.18, 12.0, 0.45)),
        (0.24, note(1046.5, 0.4, 8.0, 0.45)),
    ),
)
