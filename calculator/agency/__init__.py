"""Agencies: their accounts' dashboard, their embed profiles' leads and delivery."""
