# language: da
Egenskab: Investeringsmodel for en indsats for ægtefælleforsørgede (rapportens Bilag B)
  Som analytiker eller fagperson
  vil jeg kunne regne rapportens investeringsmodel igennem med mine egne forudsætninger
  så jeg kan se udgiften, skatteindtægten, gevinsten og hvor mange borgere der skal i arbejde,
  før indsatsen betaler sig.

  Scenarie: Rapportens egne tal
    Givet rapportens forudsætninger
    Når investeringsmodellen regnes igennem
    Så er den årlige lønudgift ca. 231000 kr.
    Og er lønudgiften uden afrunding 230400 kr.
    Og kommer 16 borgere i ordinær beskæftigelse om året
    Og er den kommunale skatteindtægt 496000 kr.
    Og er gevinsten efter 1 år 265000 kr.
    Og skal 8 borgere i arbejde før skatteindtægten dækker lønudgiften (rapporten skriver ca. 7)
    Og skal 5 borgere i job eller uddannelse før resultattilskuddet dækker lønudgiften (rapporten skriver ca. 5)

  Abstrakt Scenario: Andre forudsætninger
    Givet rapportens forudsætninger
    Og <forudsætning> er <værdi>
    Når investeringsmodellen regnes igennem
    Så er den årlige lønudgift ca. <udgift> kr.
    Og kommer <i_job> borgere i ordinær beskæftigelse om året
    Og er gevinsten efter 1 år <gevinst> kr.

    Eksempler:
      | forudsætning            | værdi | udgift  | i_job | gevinst  |
      | rådgivertimer pr. måned | 40    | 116000  | 16    | 380000   |
      | timepris (kr.)          | 300   | 288000  | 16    | 208000   |
      | afsluttede forløb pr. år| 20    | 231000  | 7     | -14000   |
      | andel i ordinær beskæftigelse | 0,5 | 231000 | 23  | 482000   |

  Abstrakt Scenario: Forudsætninger der ikke giver mening afvises med en klar besked
    Givet rapportens forudsætninger
    Og <forudsætning> er <værdi>
    Når investeringsmodellen regnes igennem
    Så afvises forudsætningerne med en besked der nævner "<felt>"

    Eksempler:
      | forudsætning                   | værdi | felt                    |
      | rådgivertimer pr. måned        | -10   | adviser_hours_per_month |
      | andel i ordinær beskæftigelse  | 1,2   | job_share               |
      | andel i uddannelse             | 0,6   | andele i alt            |
