"""The Streamlit layer: the only part of Boiling Point that imports streamlit."""
