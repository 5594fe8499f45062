"""Embeds: the calculator inside other sites' pages.

``display`` reads the look a host asks for (accent, theme, sections, frame
id); ``views`` serves the embed, its accent stylesheet and the loader;
``builder`` makes the snippet an agency pastes; ``oembed`` turns a result's
link into the embed for CMSs that speak oEmbed.
"""
