"""Pixel sizes gemini_offline must draw at 1K, written out by hand (2K/4K are 2x/4x).

Shared by the unit and integration tests of the offline image models."""

EXPECTED_1K = {
    "1:1": (1024, 1024),
    "2:3": (680, 1024),
    "3:2": (1024, 680),
    "3:4": (768, 1024),
    "4:3": (1024, 768),
    "4:5": (816, 1024),
    "5:4": (1024, 816),
    "9:16": (576, 1024),
    "16:9": (1024, 576),
    "21:9": (1024, 440),
    "1:4": (256, 1024),
    "4:1": (1024, 256),
    "1:8": (128, 1024),
    "8:1": (1024, 128),
}
