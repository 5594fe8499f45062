"""Sharing: what a result becomes when it leaves the page.

``links`` words a shared result (title, description, canonical address, share
links); ``card`` draws its social card; ``spreadsheet`` writes its CSV;
``views`` serves the short link, the card, the share dialogs and the CSV.
"""
