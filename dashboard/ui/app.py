"""Entry script for `streamlit run`: it only routes to the page."""

from dashboard.ui.page import main

if __name__ == "__main__":
    main()
